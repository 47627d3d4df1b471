package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFollowReconnects: briefs --follow starts after the newest listed
// brief, and when the stream drops it reconnects with Last-Event-ID.
func TestFollowReconnects(t *testing.T) {
	var (
		mu      sync.Mutex
		lastIDs []string
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lastIDs = append(lastIDs, r.Header.Get("Last-Event-ID"))
		n := len(lastIDs)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		id := fmt.Sprintf("brief%d", n)
		fmt.Fprintf(w, "retry: 3000\n\nevent: brief\nid: %s\ndata: {\"id\":%q,\"headline\":\"h%d\",\"language\":{\"code\":\"it\"}}\n\n", id, id, n)
		if n >= 2 { // stay open until the client has read it and goes
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
		// returning closes the stream: the client must reconnect
	}))
	defer srv.Close()
	var errs bytes.Buffer
	out := &cancelOn{want: "brief2", cancel: cancel}
	c := &client{base: srv.URL, http: srv.Client()}
	if err := followBriefs(ctx, c, url.Values{"lang": {"it"}}, "text", "listed", out, &errs); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lastIDs) < 2 || lastIDs[0] != "listed" || lastIDs[1] != "brief1" {
		t.Fatalf("Last-Event-ID per connection = %q, want [listed brief1 ...]", lastIDs)
	}
	for _, want := range []string{"brief1", "brief2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), "reconnecting") {
		t.Errorf("no reconnect notice: %q", errs.String())
	}
}

// cancelOn is a writer that cancels once what it was written contains want.
type cancelOn struct {
	bytes.Buffer
	want   string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if strings.Contains(c.String(), c.want) {
		c.cancel()
	}
	return n, err
}

// TestFollowStopsOnClientError: a 4xx (bad filter, bad token) is final.
func TestFollowStopsOnClientError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad topic", http.StatusBadRequest)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := followBriefs(ctx, &client{base: srv.URL}, url.Values{}, "text", "", io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("err = %v, want the 400", err)
	}
}
