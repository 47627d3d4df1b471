package web

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmtest"
)

type fakeStore struct {
	briefs map[string]news.Brief
	status map[string]news.Status
}

func (s fakeStore) Brief(_ context.Context, id string) (news.Brief, error) {
	if br, ok := s.briefs[id]; ok {
		return br, nil
	}
	return news.Brief{}, gateway.ErrNotFound
}

func (s fakeStore) Status(_ context.Context, id string) (news.Status, error) {
	if st, ok := s.status[id]; ok {
		return st, nil
	}
	return news.Status{}, gateway.ErrNotFound
}

const evil = `<script>alert(1)</script>`

func testBriefs() []news.Brief {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	body := "Amazon invests in OpenAI. " + evil + " Trainium chips."
	return []news.Brief{
		{ID: "aaa1", Language: news.Language{Code: "en", Confidence: 0.99}, Headline: "Amazon backs OpenAI " + evil, Summary: "Summary en.",
			KeyPoints: []string{"point <b>one</b>"}, Topics: []string{"ai"}, CreatedAt: t0, Body: body,
			Entities: []news.Entity{
				{Name: "Amazon", Type: news.Org, Count: 1, Mentions: []news.Mention{{Start: 0, End: 6}}},
				{Name: "OpenAI", Type: news.Org, Count: 1, Mentions: []news.Mention{{Start: 18, End: 24}, {Start: 1000, End: 1006}}},
				{Name: "Trainium", Type: news.Product, Count: 1, Mentions: []news.Mention{{Start: 52, End: 60}}},
			}},
		{ID: "bbb2", Language: news.Language{Code: "it", Confidence: 0.97}, Headline: "Notizia italiana", Summary: "Riassunto.",
			Topics: []string{"cloud"}, CreatedAt: t0.Add(time.Minute), Body: "Testo.",
			Entities: []news.Entity{{Name: "Milano", Type: news.Location, Count: 2}}},
	}
}

func newTestWeb(t *testing.T) (*Web, *readmodel.Model, *httptest.Server) {
	t.Helper()
	idx := rmtest.Model(t)
	st := fakeStore{briefs: map[string]news.Brief{}, status: map[string]news.Status{
		"pend1": {ID: "pend1", Status: news.StatusPending},
		"rej1":  {ID: "rej1", Status: news.StatusRejected, Stage: "langdetect", Reason: "language de is not supported " + evil},
		"aaa1":  {ID: "aaa1", Status: news.StatusBriefed},
	}}
	for _, br := range testBriefs() {
		st.briefs[br.ID] = br
		mustAdd(t, idx, br, false)
	}
	wb, err := New(Config{Index: idx, Store: st, Heartbeat: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	wb.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { wb.Shutdown(); srv.Close() })
	return wb, idx, srv
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestPages(t *testing.T) {
	_, _, srv := newTestWeb(t)
	tests := []struct {
		name, path string
		code       int
		want, not  []string
	}{
		{"home lists newest first", "/", 200, []string{"Notizia italiana", "Amazon backs OpenAI &lt;script&gt;", `href="/?entity=Amazon"`, "point &lt;b&gt;one&lt;/b&gt;", `id="live"`}, []string{evil}},
		{"filter by language", "/?lang=it", 200, []string{"Notizia italiana", `<option value="it" selected>`}, []string{"Amazon backs"}},
		{"filter by entity", "/?entity=amazon", 200, []string{"Amazon backs"}, []string{"Notizia italiana"}},
		{"filter by topic", "/?topic=cloud", 200, []string{"Notizia italiana"}, []string{"Amazon backs"}},
		{"text search", "/?q=trainium", 200, []string{"Amazon backs"}, []string{"Notizia italiana"}},
		{"no match", "/?q=zzzz", 200, []string{"No briefs match"}, nil},
		{"bad since", "/?since=yesterday", 400, []string{"since must be"}, nil},
		{"brief page highlights", "/briefs/aaa1", 200, []string{`<mark class="ent t-ORG" title="ORG: Amazon">Amazon</mark>`, `<mark class="ent t-PRODUCT" title="PRODUCT: Trainium">Trainium</mark>`, "&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{evil}},
		{"unknown brief", "/briefs/nope", 404, []string{"no brief"}, nil},
		{"pending article", "/articles/pend1", 200, []string{`data-status="pending"`, "pending"}, nil},
		{"rejected article", "/articles/rej1", 200, []string{"rejected", "language de is not supported &lt;script&gt;"}, []string{evil}},
		{"unknown article", "/articles/x", 404, nil, nil},
		{"static script", "/static/app.js", 200, []string{"EventSource"}, nil},
		{"static css", "/static/style.css", 200, []string{".card"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, body := get(t, srv.URL+tt.path)
			if code != tt.code {
				t.Fatalf("GET %s: got %d, want %d\n%s", tt.path, code, tt.code, body)
			}
			if strings.HasPrefix(h.Get("Content-Type"), "text/html") && !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("GET %s: no strict CSP: %q", tt.path, h.Get("Content-Security-Policy"))
			}
			low := strings.ToLower(body)
			for _, w := range tt.want {
				if !strings.Contains(low, strings.ToLower(w)) {
					t.Errorf("GET %s: missing %q", tt.path, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: should not contain %q", tt.path, n)
				}
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	_, _, srv := newTestWeb(t)
	for path, want := range map[string]string{"/articles/aaa1": "/briefs/aaa1", "/briefs/pend1": "/articles/pend1"} {
		code, h, _ := get(t, srv.URL+path)
		if code != http.StatusSeeOther || h.Get("Location") != want {
			t.Errorf("GET %s: got %d to %q, want 303 to %q", path, code, h.Get("Location"), want)
		}
	}
}

func TestHighlight(t *testing.T) {
	body := "Ciao Milano è bella"
	m := func(s, e int) []news.Mention { return []news.Mention{{Start: s, End: e}} }
	tests := []struct {
		name string
		ents []news.Entity
		want []string // segment texts, marked ones in [brackets]
	}{
		{"none", nil, []string{body}},
		{"one", []news.Entity{{Name: "Milano", Type: news.Location, Mentions: m(5, 11)}}, []string{"Ciao ", "[Milano]", " è bella"}},
		{"at start and end", []news.Entity{{Type: "X", Mentions: []news.Mention{{Start: 0, End: 4}, {Start: 15, End: 20}}}}, []string{"[Ciao]", " Milano è ", "[bella]"}},
		{"out of range dropped", []news.Entity{{Type: "X", Mentions: m(5, 99)}}, []string{body}},
		{"inside a rune dropped", []news.Entity{{Type: "X", Mentions: m(13, 14)}}, []string{body}},
		{"overlap keeps first and longest", []news.Entity{{Type: "A", Mentions: m(5, 8)}, {Type: "B", Mentions: m(5, 11)}, {Type: "C", Mentions: m(9, 14)}}, []string{"Ciao ", "[Milano]", " è bella"}},
		{"empty and reversed dropped", []news.Entity{{Type: "X", Mentions: []news.Mention{{Start: 3, End: 3}, {Start: 8, End: 5}, {Start: -1, End: 2}}}}, []string{body}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var joined strings.Builder
			for _, s := range Highlight(body, tt.ents) {
				joined.WriteString(s.Text)
				if s.Type != "" {
					got = append(got, "["+s.Text+"]")
				} else {
					got = append(got, s.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if joined.String() != body {
				t.Errorf("segments do not rebuild the body: %q", joined.String())
			}
		})
	}
}

func FuzzHighlight(f *testing.F) {
	f.Add("Ciao Milano è bella", 5, 11, 13, 14)
	f.Add("", 0, 0, 1, 2)
	f.Add("日本語のテキスト", 0, 3, 2, 9)
	f.Fuzz(func(t *testing.T, body string, s1, e1, s2, e2 int) {
		ents := []news.Entity{{Type: "A", Mentions: []news.Mention{{Start: s1, End: e1}, {Start: s2, End: e2}}}}
		var b strings.Builder
		for _, s := range Highlight(body, ents) {
			b.WriteString(s.Text)
		}
		if b.String() != body {
			t.Fatalf("segments %q do not rebuild body %q", b.String(), body)
		}
	})
}

// readEvent reads lines until a blank line ends an event with data.
func readEvent(t *testing.T, sc *bufio.Scanner) (event, id, data string) {
	t.Helper()
	var lines []string
	for sc.Scan() {
		l := sc.Text()
		switch {
		case l == "":
			if lines != nil {
				return event, id, strings.Join(lines, "\n")
			}
		case strings.HasPrefix(l, "event: "):
			event = l[7:]
		case strings.HasPrefix(l, "id: "):
			id = l[4:]
		case strings.HasPrefix(l, "data: "):
			lines = append(lines, l[6:])
		}
	}
	t.Fatalf("stream ended: %v", sc.Err())
	return
}

func openStream(t *testing.T, url string) (*http.Response, *bufio.Scanner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-cache") {
		t.Errorf("Cache-Control %q", cc)
	}
	return resp, bufio.NewScanner(resp.Body)
}

func TestStream(t *testing.T) {
	wb, idx, srv := newTestWeb(t)
	_, sc := openStream(t, srv.URL+"/v1/briefs/stream?lang=it")
	_, scHTML := openStream(t, srv.URL+"/v1/briefs/stream?html=1")
	bustest := func(cond func() bool) {
		for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("streams not subscribed")
			}
		}
	}
	bustest(func() bool { return wb.Streams() == 2 })
	en := news.Brief{ID: "new-en", Language: news.Language{Code: "en"}, Headline: "English " + evil, CreatedAt: time.Now()}
	it := news.Brief{ID: "new-it", Language: news.Language{Code: "it"}, Headline: "Nuova", CreatedAt: time.Now()}
	sent := time.Now()
	mustAdd(t, idx, en, true) // filtered out of the lang=it stream
	mustAdd(t, idx, it, true)
	ev, id, data := readEvent(t, sc)
	t.Logf("event received %s after Index.Add", time.Since(sent))
	var got news.Brief
	if err := json.Unmarshal([]byte(data), &got); err != nil || ev != "brief" || id != "new-it" || got.Headline != "Nuova" {
		t.Fatalf("got event %q id %q data %q (%v), want the Italian brief", ev, id, data, err)
	}
	_, id, data = readEvent(t, scHTML)
	if id != "new-en" || !strings.Contains(data, `id="b-new-en"`) || strings.Contains(data, evil) || !strings.Contains(data, "&lt;script&gt;") {
		t.Fatalf("html event id %q data %q", id, data)
	}
	// Heartbeats keep an idle stream alive.
	var beat bool
	for i := 0; i < 5 && sc.Scan(); i++ {
		if strings.HasPrefix(sc.Text(), ": heartbeat") {
			beat = true
			break
		}
	}
	if !beat {
		t.Error("no heartbeat comment")
	}
	// Shutdown ends the streams.
	wb.Shutdown()
	for sc.Scan() {
	}
	bustest(func() bool { return wb.Streams() == 0 })
}

// TestStreamReplay reconnects with Last-Event-ID: the briefs added since
// that one come first (oldest first, filtered), then live ones, each once.
func TestStreamReplay(t *testing.T) {
	wb, idx, srv := newTestWeb(t)
	t0 := time.Now()
	for i, lang := range []string{"it", "en", "it"} {
		mustAdd(t, idx, news.Brief{ID: fmt.Sprintf("m%d", i), Language: news.Language{Code: lang}, Headline: "missed", CreatedAt: t0.Add(time.Duration(i) * time.Second)}, true)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/briefs/stream?lang=it", nil)
	req.Header.Set("Last-Event-ID", "bbb2") // the newest brief before the three
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for _, want := range []string{"m0", "m2"} {
		if _, id, _ := readEvent(t, sc); id != want {
			t.Fatalf("replayed %q, want %q", id, want)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); wb.Streams() != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("stream not subscribed")
		}
	}
	mustAdd(t, idx, news.Brief{ID: "live", Language: news.Language{Code: "it"}, CreatedAt: t0.Add(time.Minute)}, true)
	if _, id, _ := readEvent(t, sc); id != "live" {
		t.Fatalf("live event %q, want live", id)
	}
	// An unknown Last-Event-ID replays nothing.
	if got, ok, _ := idx.After(context.Background(), "nope", gateway.Filter{}, 10); ok || len(got) != 0 {
		t.Errorf("After(unknown) = %v, %v", got, ok)
	}
	if got, ok, _ := idx.After(context.Background(), "m0", gateway.Filter{}, 1); !ok || len(got) != 1 || got[0].ID != "m1" {
		t.Errorf("After(m0, limit 1) = %v, %v", got, ok)
	}
}

func TestFeeds(t *testing.T) {
	_, _, srv := newTestWeb(t)
	code, h, body := get(t, srv.URL+"/feed.xml?lang=en")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %d %s", code, h.Get("Content-Type"))
	}
	var atom atomFeed
	if err := xml.Unmarshal([]byte(body), &atom); err != nil {
		t.Fatalf("atom does not parse: %v\n%s", err, body)
	}
	if len(atom.Entries) != 1 || atom.Entries[0].Title != "Amazon backs OpenAI "+evil || !strings.HasSuffix(atom.Entries[0].Links[0].Href, "/briefs/aaa1") {
		t.Errorf("atom entries: %+v", atom.Entries)
	}
	code, h, body = get(t, srv.URL+"/feed.json?topic=cloud")
	var jf JSONFeed
	if err := json.Unmarshal([]byte(body), &jf); err != nil || code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/feed+json") {
		t.Fatalf("json feed: %d %v", code, err)
	}
	if jf.Version != "https://jsonfeed.org/version/1.1" || len(jf.Items) != 1 || jf.Items[0].ID != "bbb2" {
		t.Errorf("json feed: %+v", jf)
	}
}

func BenchmarkHome(b *testing.B) {
	idx := rmtest.Model(b)
	base := testBriefs()[0]
	for i := range 1000 {
		br := base
		br.ID = "id" + string(rune('a'+i%26)) + strings.Repeat("x", i%7) + string(rune('0'+i%10)) + string(rune('A'+i/26%26))
		br.CreatedAt = br.CreatedAt.Add(time.Duration(i) * time.Second)
		mustAdd(b, idx, br, false)
	}
	wb, _ := New(Config{Index: idx, Store: fakeStore{}})
	mux := http.NewServeMux()
	wb.Register(mux)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		n = rec.Body.Len()
	}
	b.ReportMetric(float64(n), "bytes/page")
}

func mustAdd(t testing.TB, idx *readmodel.Model, br news.Brief, live bool) {
	t.Helper()
	if err := idx.Add(context.Background(), br, live); err != nil {
		t.Fatal(err)
	}
}
