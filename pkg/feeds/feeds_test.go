package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/newsbrief/newsbrief/pkg/ingest"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://Example.com/a/b/?utm_source=x&utm_medium=y#top", "https://example.com/a/b"},
		{"http://example.com:80/a?b=2&a=1&fbclid=zz", "http://example.com/a?a=1&b=2"},
		{"https://example.com:443/", "https://example.com"},
		{"https://example.com/a?id=7&UTM_Campaign=q", "https://example.com/a?id=7"},
		{"  not a url ", "not a url"},
		{"ftp://example.com/x", "ftp://example.com/x"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Canonical(tt.in); got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"https://example.com/a?utm_source=x", "http://a.b:80/?q=1#f", "%zz", "https://x/%2F/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Canonical(s)
		if Canonical(c) != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, Canonical(c))
		}
	})
}

// fakeSubmit records submissions; bodies containing BAD are refused and
// RETRY asks for a retry.
type fakeSubmit struct {
	mu   sync.Mutex
	subs []news.Submission
	raws []pipeline.Raw
}

func (f *fakeSubmit) submit(_ context.Context, r pipeline.Raw) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.raws = append(f.raws, r)
	var s news.Submission
	if r.ContentType == "application/json" {
		if err := json.Unmarshal(r.Data, &s); err != nil {
			return "", fmt.Errorf("bad json: %w", err)
		}
	} else {
		s.Body = string(r.Data)
	}
	switch {
	case strings.Contains(s.Body, "BAD"):
		return "", errors.New("empty article")
	case strings.Contains(s.Body, "RETRY"):
		return "", fmt.Errorf("%w: queue down", ErrRetry)
	}
	f.subs = append(f.subs, s)
	return news.ID(s.Title, s.Body), nil
}

var long = strings.Repeat("Amazon and OpenAI signed a deal worth billions. ", 20)

const rssTmpl = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Test RSS</title><link>%[1]s</link><description>d</description>
<item><title>Full item</title><link>%[1]s/a/1?utm_source=rss</link><description><![CDATA[<p>%[2]s</p>]]></description><pubDate>Mon, 04 May 2026 10:00:00 GMT</pubDate></item>
<item><title>Teaser item</title><link>%[1]s/a/2</link><description>Only a teaser…</description></item>
<item><title>Same as first</title><link>%[1]s/a/1?utm_medium=email#comments</link><description><![CDATA[<p>%[2]s</p>]]></description></item>
</channel></rss>`

const atomTmpl = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test Atom</title><id>urn:x</id><updated>2026-05-04T10:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:e1</id><link href="%[1]s/a/3"/><updated>2026-05-04T10:00:00Z</updated><summary>short</summary></entry>
</feed>`

func feedServer(t *testing.T) (*httptest.Server, *atomic.Int32, *atomic.Int32) {
	var rssGets, notModified atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		rssGets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, rssTmpl, srv.URL, long)
	})
	mux.HandleFunc("/atom", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") == "Mon, 04 May 2026 10:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", "Mon, 04 May 2026 10:00:00 GMT")
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, atomTmpl, srv.URL)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>not a feed") })
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %s</title></head><body><article><h1>Page</h1><p>%s</p><p>%s</p></article></body></html>", r.URL.Path, long, long)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &rssGets, &notModified
}

func TestPoller(t *testing.T) {
	srv, rssGets, notModified := feedServer(t)
	fs := &fakeSubmit{}
	var results []string
	p := &Poller{
		Feeds:  []string{srv.URL + "/rss", srv.URL + "/atom", srv.URL + "/broken", "http://127.0.0.1:1/closed"},
		Client: &http.Client{Timeout: 5 * time.Second}, Submit: fs.submit,
		OnPoll: func(r string) { results = append(results, r) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p.PollAll(ctx)
	if len(fs.subs) != 3 {
		t.Fatalf("got %d submissions, want 3 (full, teaser fetched, atom fetched; duplicate URL skipped): %+v", len(fs.subs), fs.subs)
	}
	// Items go oldest (last in the feed) first: "Same as first" wins its URL.
	full, teaser := fs.subs[0], fs.subs[1]
	if full.Title != "Same as first" || full.URL != srv.URL+"/a/1" || !full.HTML || full.Source != "Test RSS" || full.PublishedAt != "" {
		t.Errorf("full item: %+v", full)
	}
	if teaser.Title != "Teaser item" || !strings.Contains(teaser.Body, "<article>") {
		t.Errorf("teaser item was not fetched: %+v", teaser)
	}
	// Second round: conditional GETs, nothing new.
	p.PollAll(ctx)
	if len(fs.subs) != 3 || notModified.Load() != 1 || rssGets.Load() != 2 {
		t.Errorf("second poll: %d submissions, %d not-modified of %d GETs", len(fs.subs), notModified.Load(), rssGets.Load())
	}
	st := p.Status()
	if st[0].Submitted != 2 || st[0].NotModified != 1 || st[0].ETag != `"v1"` || st[1].LastModified == "" {
		t.Errorf("status: %+v", st[:2])
	}
	for _, bad := range st[2:] {
		if bad.Errors != 2 || bad.LastError == "" {
			t.Errorf("failing feed %s: %+v", bad.URL, bad)
		}
	}
	want := "ok,ok,error,error,not_modified,not_modified,error,error"
	if got := strings.Join(results, ","); got != want {
		t.Errorf("poll results %s, want %s", got, want)
	}
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/feeds", nil))
	if !strings.Contains(rec.Body.String(), `"submitted": 2`) {
		t.Errorf("/v1/feeds: %s", rec.Body)
	}
}

// TestPollerGuardsEveryFetch: the poller's fetches go through the guarded
// client, for the feed itself and for an item's page (issue #13, item 7: an
// item linking to http://127.0.0.1:…/secret became a public brief).
func TestPollerGuardsEveryFetch(t *testing.T) {
	var secretHits atomic.Int32
	secret := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secretHits.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "SECRET "+long)
	}))
	t.Cleanup(secret.Close)
	var feed *httptest.Server
	feed = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>%s</link><description>d</description>
<item><title>Teaser</title><link>%s/secret</link><description>short</description></item>
<item><title>Redirect</title><link>%s/redirect</link><description>short</description></item></channel></rss>`, feed.URL, secret.URL, feed.URL)
	}))
	t.Cleanup(feed.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// The feed path: the default client refuses a loopback feed.
	p := &Poller{Feeds: []string{feed.URL}, Submit: (&fakeSubmit{}).submit}
	if err := p.Poll(ctx, feed.URL); err == nil || !strings.Contains(err.Error(), ingest.ErrPrivateAddress.Error()) {
		t.Errorf("default client polling a loopback feed: %v, want %v", err, ingest.ErrPrivateAddress)
	}

	// The item path: only the feed's own port is let through, as if the
	// feed were public; the item's page on another loopback port is refused.
	feedPort := netip.MustParseAddrPort(strings.TrimPrefix(feed.URL, "http://")).Port()
	fs := &fakeSubmit{}
	p = &Poller{Feeds: []string{feed.URL}, Submit: fs.submit,
		Client: ingest.NewGuardedClient(5*time.Second, func(ap netip.AddrPort) bool { return ap.Port() == feedPort })}
	if err := p.Poll(ctx, feed.URL); err != nil {
		t.Fatalf("polling the allowed feed: %v", err)
	}
	for _, s := range fs.subs {
		if strings.Contains(s.Body, "SECRET") {
			t.Errorf("an item's private page was submitted: %+v", s)
		}
	}
	if n := secretHits.Load(); n != 0 {
		t.Errorf("the private server was reached %d times", n)
	}
}

// TestPollerRunStops: Run polls every Interval until its context ends, then
// returns. It waits for the events (two polls, one submission), not for a
// guessed duration, so a loaded machine cannot fail it.
func TestPollerRunStops(t *testing.T) {
	srv, _, _ := feedServer(t)
	fs := &fakeSubmit{}
	p := &Poller{Feeds: []string{srv.URL + "/atom"}, Interval: 10 * time.Millisecond, Submit: fs.submit, Client: ingest.NewClient(5*time.Second, true)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for p.Status()[0].Polls < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d polls after a minute", p.Status()[0].Polls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.subs) != 1 {
		t.Errorf("got %d submissions over %d polls, want 1 (the entry is seen once)", len(fs.subs), p.Status()[0].Polls)
	}
}

func TestInbox(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Minute)
	write := func(name, data string, mod time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		_ = os.Chtimes(p, mod, mod)
	}
	write("a.txt", long, old)
	write("b.json", `{"title":"T","body":"`+long+`"}`, old)
	write("c.txt", "BAD", old)
	write("d.txt", "RETRY", old)
	write("e.txt", "still being written", time.Now())
	write(".hidden", long, old)
	fs := &fakeSubmit{}
	in := &Inbox{Dir: dir, Submit: fs.submit}
	if err := in.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	exists := func(p string) bool { _, err := os.Stat(filepath.Join(dir, p)); return err == nil }
	for _, p := range []string{"done/a.txt", "done/b.json", "failed/c.txt", "failed/c.txt.err", "d.txt", "e.txt", ".hidden"} {
		if !exists(p) {
			t.Errorf("want %s", p)
		}
	}
	for _, p := range []string{"a.txt", "b.json", "c.txt"} {
		if exists(p) {
			t.Errorf("%s should have moved", p)
		}
	}
	if len(fs.subs) != 2 || fs.subs[1].Title != "T" || fs.raws[0].ContentType != "text/plain; charset=utf-8" {
		t.Errorf("submissions: %+v", fs.subs)
	}
	if e, _ := os.ReadFile(filepath.Join(dir, "failed/c.txt.err")); !strings.Contains(string(e), "empty article") {
		t.Errorf(".err file: %q", e)
	}
	// The same name again does not overwrite done/a.txt.
	write("a.txt", long+" again", old)
	_ = in.Scan(context.Background())
	if !exists("done/a.1.txt") {
		t.Error("want done/a.1.txt")
	}
}

// memStore is a StateStore in memory; fail makes every call fail.
type memStore struct {
	mu    sync.Mutex
	data  map[string][]byte
	saves int
	fail  bool
}

func (m *memStore) Load(_ context.Context, feed string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return nil, errors.New("store down")
	}
	return m.data[feed], nil
}

func (m *memStore) Save(_ context.Context, feed string, state []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("store down")
	}
	if m.data == nil {
		m.data = map[string][]byte{}
	}
	m.data[feed] = append([]byte(nil), state...)
	m.saves++
	return nil
}

// TestPollerStateSurvivesRestart: a new poller on the same store sends the
// saved validators (304, no refetch) and does not resubmit seen items even
// when the feed changed; a failing store only costs the memory.
func TestPollerStateSurvivesRestart(t *testing.T) {
	srv, rssGets, notModified := feedServer(t)
	store := &memStore{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	newPoller := func(fs *fakeSubmit, st StateStore) *Poller {
		return &Poller{Feeds: []string{srv.URL + "/rss"}, Client: &http.Client{Timeout: 5 * time.Second}, Submit: fs.submit, Store: st}
	}
	first := &fakeSubmit{}
	newPoller(first, store).PollAll(ctx)
	if len(first.subs) != 2 || store.saves != 1 {
		t.Fatalf("first poller: %d submissions, %d saves; want 2 and 1", len(first.subs), store.saves)
	}
	// Restart: the saved ETag gets a 304.
	second := &fakeSubmit{}
	p := newPoller(second, store)
	p.PollAll(ctx)
	if len(second.subs) != 0 || notModified.Load() != 1 || rssGets.Load() != 2 {
		t.Errorf("after restart: %d submissions, %d not-modified of %d GETs; want 0, 1, 2", len(second.subs), notModified.Load(), rssGets.Load())
	}
	if store.saves != 1 {
		t.Errorf("unchanged state saved again (%d saves)", store.saves)
	}
	// The validators are lost (a feed that changed): the seen links still
	// keep its old items out.
	var saved savedState
	if err := json.Unmarshal(store.data[srv.URL+"/rss"], &saved); err != nil || len(saved.Seen) != 2 {
		t.Fatalf("saved state %s: %v", store.data[srv.URL+"/rss"], err)
	}
	saved.ETag = ""
	store.data[srv.URL+"/rss"], _ = json.Marshal(saved)
	third := &fakeSubmit{}
	newPoller(third, store).PollAll(ctx)
	if len(third.subs) != 0 || rssGets.Load() != 3 {
		t.Errorf("refetched feed after restart: %d submissions (want 0), %d GETs", len(third.subs), rssGets.Load())
	}
	// A store that fails: the poller works from memory.
	down := &fakeSubmit{}
	newPoller(down, &memStore{fail: true}).PollAll(ctx)
	if len(down.subs) != 2 {
		t.Errorf("with a failing store: %d submissions, want 2", len(down.subs))
	}
}

// TestPollerDropsNonHTTPLinks: an item whose link is javascript: (or any
// non-http scheme) is submitted with its own text and no URL.
func TestPollerDropsNonHTTPLinks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x</link><description>d</description>
<item><title>Evil</title><link>javascript:alert(1)</link><description><![CDATA[<p>%s</p>]]></description></item></channel></rss>`, long)
	}))
	t.Cleanup(srv.Close)
	fs := &fakeSubmit{}
	p := &Poller{Feeds: []string{srv.URL}, Submit: fs.submit, Client: ingest.NewClient(5*time.Second, true)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Poll(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if len(fs.subs) != 1 || fs.subs[0].URL != "" {
		t.Errorf("submissions %+v, want one with no URL", fs.subs)
	}
}
