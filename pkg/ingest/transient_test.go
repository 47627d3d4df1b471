package ingest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Fetch tells a failure a later attempt may not meet (ErrTransient) from
// one that is the submitter's (issue #13 item 14).
func TestFetchTransientErrors(t *testing.T) {
	status := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); slow.Close() })
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte("only a part"))
	}))
	t.Cleanup(cut.Close)
	// A port nothing listens on: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/"
	l.Close()

	for _, c := range []struct {
		name      string
		url       string
		client    *http.Client
		transient bool
	}{
		{"503", status(503), nil, true},
		{"500", status(500), nil, true},
		{"429", status(429), nil, true},
		{"408", status(408), nil, true},
		{"timeout", slow.URL, &http.Client{Timeout: 200 * time.Millisecond}, true},
		{"connection refused", closed, nil, true},
		{"page cut short", cut.URL, nil, true},
		{"404", status(404), nil, false},
		{"403", status(403), nil, false},
		{"410", status(410), nil, false},
		{"not http", "ftp://example.org/x", nil, false},
		{"private address", status(200), NewClient(2*time.Second, false), false},
	} {
		if c.client == nil {
			// Fetch with no client is the guarded one, which refuses these
			// loopback test servers; allowed here to reach them.
			c.client = NewClient(5*time.Second, true)
		}
		t.Run(c.name, func(t *testing.T) {
			_, err := Fetch(context.Background(), c.client, c.url, 1<<20)
			if !errors.Is(err, ErrFetch) {
				t.Fatalf("err = %v, want ErrFetch", err)
			}
			if got := errors.Is(err, ErrTransient); got != c.transient {
				t.Errorf("transient = %v, want %v (%v)", got, c.transient, err)
			}
		})
	}
}
