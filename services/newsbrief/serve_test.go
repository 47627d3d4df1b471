package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Articles written for these tests.
const (
	enArticle = `OpenAI and Amazon Web Services announced on Tuesday in Seattle a multi-year agreement worth 38 billion dollars. ` +
		`Under the deal OpenAI will run its models on Nvidia chips hosted in Amazon data centres in the United States, ` +
		`and the two companies said the capacity would come online before the end of next year. ` +
		`Analysts in London said the agreement shows how much computing power the largest AI developers now need.`
	itArticle = `La Banca d'Italia ha pubblicato martedì a Roma un rapporto sull'uso dell'intelligenza artificiale nelle imprese italiane. ` +
		`Secondo il documento, il 12 per cento delle aziende con più di dieci dipendenti usa già strumenti di AI, ` +
		`soprattutto in Lombardia e in Emilia-Romagna, mentre le piccole imprese del Sud restano indietro. ` +
		`Il governatore ha chiesto investimenti nella formazione e nelle infrastrutture digitali.`
)

// startInProcess runs `newsbrief serve` in-process on loopback ports with
// offline engines and returns its base URL. It stops when the test ends.
func startInProcess(t *testing.T, extra map[string]string) string {
	t.Helper()
	base, _ := startServe(t, extra)
	return base
}

// startServe is startInProcess that also returns a func stopping the server
// (and waiting for it), for tests that restart it on the same data.
func startServe(t *testing.T, extra map[string]string) (string, func()) {
	t.Helper()
	env := map[string]string{
		"NEWSBRIEF_DATA":            t.TempDir(),
		"NEWSBRIEF_HTTP_ADDR":       "127.0.0.1:0",
		"NEWSBRIEF_NATS_ADDR":       "127.0.0.1:0",
		"NEWSBRIEF_LOG_LEVEL":       "warn",
		"NEWSBRIEF_ENTITIES_ENGINE": "offline",
		"NEWSBRIEF_SUMMARY_ENGINE":  "offline",
		"NEWSBRIEF_WORKERS":         "2",
	}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logw io.Writer = io.Discard
	if testing.Verbose() {
		logw = os.Stderr
	}
	go func() { done <- serve(ctx, nil, logw, func(k string) string { return env[k] }, ready) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Error("serve did not stop within 20s")
			}
		})
	}
	t.Cleanup(stop)
	select {
	case addr := <-ready:
		return "http://" + addr, stop
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve not ready within 60s")
	}
	return "", stop
}

func postText(t *testing.T, base, text string) string {
	t.Helper()
	resp, err := http.Post(base+"/v1/articles", "text/plain; charset=utf-8", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/articles: %s %v", resp.Status, err)
	}
	return out.ID
}

// TestStreamLatency measures the time from a brief being stored (its
// "briefed" status is written right after) to the SSE event reaching a
// client, and from submission to event.
func TestStreamLatency(t *testing.T) {
	base := startInProcess(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/briefs/stream?lang=en", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // "retry: ..." arrives once the stream is subscribed
	start := time.Now()
	id := postText(t, base, enArticle)
	var got news.Brief
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &got); err != nil {
				t.Fatalf("event data: %v", err)
			}
			break
		}
	}
	received := time.Now()
	if got.ID != id {
		t.Fatalf("got brief %q, want %q (%v)", got.ID, id, sc.Err())
	}
	var st news.Status
	r2, err := http.Get(base + "/v1/articles/" + id)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(r2.Body).Decode(&st)
	r2.Body.Close()
	t.Logf("submit→event %s; brief stored (status %s at %s)→event %s", received.Sub(start).Round(time.Millisecond),
		st.Status, st.UpdatedAt.Format("15:04:05.000"), received.Sub(st.UpdatedAt).Round(time.Microsecond))

	// The metrics saw every stage. A stage counts a message once it has
	// settled it, which can be just after the brief it published is stored
	// and streamed: poll for a moment.
	wants := []string{`newsbrief_stage_processed_total{stage="summarise"} 1`, `newsbrief_queue_pending{consumer="ingest",stream="NEWS"}`, "newsbrief_stream_clients 1",
		`newsbrief_submissions_total{origin="api",result="queued"} 1`}
	var missing []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mr, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(mr.Body)
		mr.Body.Close()
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %s", want)
	}
}

// TestDigestAndFeeds runs the digest command and reads the feeds and the
// inbox against a live server.
func TestDigestAndFeeds(t *testing.T) {
	inbox := t.TempDir()
	base := startInProcess(t, map[string]string{"NEWSBRIEF_INBOX": inbox})
	if err := os.WriteFile(inbox+"/it.txt", []byte(itArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	_ = os.Chtimes(inbox+"/it.txt", old, old)
	id := postText(t, base, enArticle)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var sb strings.Builder
		code := run(context.Background(), []string{"digest", "--server", base}, nil, &sb, io.Discard, func(string) string { return "" })
		if code == 0 && strings.Contains(sb.String(), "2 briefs") {
			if !strings.Contains(sb.String(), "## ai") || !strings.Contains(sb.String(), id) {
				t.Errorf("digest:\n%s", sb.String())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("digest never showed both briefs (exit %d):\n%s", code, sb.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(inbox + "/done/it.txt"); err != nil {
		t.Errorf("inbox file not moved to done/: %v", err)
	}
	for path, want := range map[string]string{"/feed.xml?lang=en": "<feed xmlns=\"http://www.w3.org/2005/Atom\"", "/feed.json": `"version": "https://jsonfeed.org/version/1.1"`, "/v1/feeds": `"feeds"`} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("GET %s lacks %s:\n%.300s", path, want, b)
		}
	}
}

// TestFeedStateSurvivesRestart runs serve with a feed, restarts it on the
// same data directory, and checks that the restarted poller asks with the
// saved ETag (the feeds KV bucket) instead of fetching the feed again.
func TestFeedStateSurvivesRestart(t *testing.T) {
	var gets, conditional atomic.Int32
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss" { // the item's page, fetched if the feed's text is a teaser
			fmt.Fprintf(w, "<html><body><article><p>%s</p></article></body></html>", html.EscapeString(itArticle))
			return
		}
		gets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>%[1]s</link><description>d</description>
<item><title>One</title><link>%[1]s/a/1</link><description><![CDATA[<p>%[2]s</p>]]></description></item></channel></rss>`, "http://"+r.Host, html.EscapeString(itArticle))
	}))
	defer feed.Close()
	env := map[string]string{"NEWSBRIEF_DATA": t.TempDir(), "NEWSBRIEF_FEEDS": feed.URL + "/rss", "NEWSBRIEF_FEEDS_INTERVAL": "1h",
		"NEWSBRIEF_FETCH_ALLOW_PRIVATE": "1"} // the feed server is on loopback: the guarded client refuses it otherwise
	waitFeed := func(base string, want func(st []map[string]any) bool) {
		t.Helper()
		var last []map[string]any
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get(base + "/v1/feeds")
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Feeds []map[string]any `json:"feeds"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if last = body.Feeds; want(last) {
				return
			}
		}
		t.Fatalf("feed status never as wanted: %v", last)
	}
	base, stop := startServe(t, env)
	waitFeed(base, func(st []map[string]any) bool { return len(st) == 1 && st[0]["submitted"] == float64(1) })
	stop()
	base, _ = startServe(t, env)
	waitFeed(base, func(st []map[string]any) bool { return len(st) == 1 && st[0]["not_modified"] == float64(1) })
	if gets.Load() != 2 || conditional.Load() != 1 {
		t.Errorf("feed fetched %d times, %d conditionally; want 2, 1", gets.Load(), conditional.Load())
	}
}
