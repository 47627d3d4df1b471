package service

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/ingest"
)

// TestFeedPollerUsesGuardedClient: the gateway's feed poller fetches with
// the same guarded client as submitted URLs (issue #13, item 7: it had a
// plain http.Client, so a feed item linking to loopback became a brief).
func TestFeedPollerUsesGuardedClient(t *testing.T) {
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	t.Cleanup(private.Close)
	b, _ := bustest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, allow := range []bool{false, true} {
		g := &Gateway{Server: gateway.New(gateway.Config{}, nil, nil), Backend: &Backend{B: b}, log: bustest.Logger(t)}
		c := Config{Feeds: []string{private.URL}, FetchTimeout: 5 * time.Second, FetchAllowPrivate: allow}
		if err := g.inputs(ctx, c); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", private.URL, nil)
		resp, err := g.poller.Client.Do(req)
		if resp != nil {
			resp.Body.Close()
		}
		if refused := errors.Is(err, ingest.ErrPrivateAddress); refused == allow {
			t.Errorf("FetchAllowPrivate=%v: poller client GET %s: %v", allow, private.URL, err)
		}
	}
}
