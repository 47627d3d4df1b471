package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/internal/corpus"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// The end-to-end test drives the real binary: `newsbrief serve` with its
// embedded NATS server, articles in by HTTP and by NATS publish, briefs out.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "newsbrief-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "newsbrief")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building newsbrief: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a running `newsbrief serve`.
type server struct {
	http, nats string
	cmd        *exec.Cmd
	logs       *syncBuffer // written by the process while tests read it
}

func startServer(t *testing.T, dataDir string, env ...string) *server {
	t.Helper()
	s := &server{http: freePort(t), nats: freePort(t), logs: &syncBuffer{}}
	s.cmd = exec.Command(binary, "serve")
	s.cmd.Env = append(os.Environ(), "NATS_URL=", "NEWSBRIEF_DATA="+dataDir, "NEWSBRIEF_HTTP_ADDR="+s.http, "NEWSBRIEF_NATS_ADDR="+s.nats, "OPENAI_BASE_URL=", "OPENAI_API_KEY=")
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stderr, s.cmd.Stdout = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			t.Error("newsbrief serve did not stop within 20s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("server logs:\n%s", tail(s.logs.String(), 4000))
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + s.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 60s; logs:\n%s", tail(s.logs.String(), 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (s *server) post(t *testing.T, ct string, body []byte) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post("http://"+s.http+"/v1/articles", ct, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("answer is not JSON (%d): %q", resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func (s *server) get(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := http.Get("http://" + s.http + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// settle waits until an article is no longer pending.
func (s *server) settle(t *testing.T, id string) news.Status {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var st news.Status
		if code := s.get(t, "/v1/articles/"+id, &st); code == 200 && st.Status != news.StatusPending {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("article %s still pending after 60s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// seed is the article the end-to-end test follows: our own Italian article
// (internal/corpus), so the test runs on a fresh clone.
func seed(t *testing.T) []byte {
	return []byte(corpus.Get(corpus.Lead).Text)
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	s := startServer(t, t.TempDir())
	seedText := seed(t)

	nc, err := nats.Connect("nats://" + s.nats)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	// 1. The seed article in by NATS publish, as plain text.
	if _, err := js.Publish(context.Background(), news.SubjectSubmitted, seedText); err != nil {
		t.Fatal(err)
	}
	// Its id is the content hash; submitting it over HTTP names it too.
	code, out := s.post(t, "text/plain", seedText)
	id, _ := out["id"].(string)
	if id == "" || (code != 202 && code != 200) {
		t.Fatalf("POST seed: %d %v", code, out)
	}
	if st := s.settle(t, id); st.Status != news.StatusBriefed {
		t.Fatalf("seed status = %+v, want briefed", st)
	}
	var br news.Brief
	if code := s.get(t, "/v1/briefs/"+id, &br); code != 200 {
		t.Fatalf("GET brief: %d", code)
	}
	checkSeedBrief(t, br)

	// 2. The same article again, by HTTP and by NATS: the same id, one brief.
	code, out = s.post(t, "text/plain", seedText)
	if code != 200 || out["id"] != id || out["duplicate"] != true || out["status"] != "briefed" {
		t.Errorf("resubmitting the seed: %d %v, want 200 duplicate briefed with id %s", code, out, id)
	}
	if _, err := js.Publish(context.Background(), news.SubjectSubmitted, seedText); err != nil {
		t.Fatal(err)
	}

	// 3. An English article by HTTP JSON.
	en, _ := os.ReadFile("testdata/en_article.txt")
	body, _ := json.Marshal(map[string]string{"body": string(en), "source": "test", "url": "https://example.com/nvidia"})
	code, out = s.post(t, "application/json", body)
	if code != 202 {
		t.Fatalf("POST English: %d %v", code, out)
	}
	enID := out["id"].(string)
	if st := s.settle(t, enID); st.Status != news.StatusBriefed || st.Language != "en" {
		t.Errorf("English article: %+v", st)
	}

	// 4. A Spanish article is rejected with a language reason.
	es, _ := os.ReadFile("testdata/es_article.txt")
	code, out = s.post(t, "text/plain; charset=utf-8", es)
	if code != 202 {
		t.Fatalf("POST Spanish: %d %v", code, out)
	}
	st := s.settle(t, out["id"].(string))
	if st.Status != news.StatusRejected || st.Stage != news.StageLangDetect || !strings.Contains(st.Reason, "es") || !strings.Contains(st.Reason, "not supported") {
		t.Errorf("Spanish article: %+v, want rejected at langdetect saying es is not supported", st)
	}

	// 5. Bad input: a 4xx with a JSON error, and the server keeps serving.
	bad := []struct {
		name, ct string
		body     []byte
		want     int
	}{
		{"empty", "text/plain", nil, 400},
		{"whitespace", "text/plain", []byte(" \n\t "), 400},
		{"binary png", "application/octet-stream", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 400},
		{"invalid utf-8 json", "application/json", []byte("{\"body\":\"\xff\xfe\"}"), 400},
		{"malformed json", "application/json", []byte(`{"body": "x",`), 400},
		{"wrong type", "application/json", []byte(`{"body": 42}`), 400},
		{"too large", "text/plain", bytes.Repeat([]byte("parola "), 400_000), 413},
	}
	for _, b := range bad {
		code, out := s.post(t, b.ct, b.body)
		if code != b.want || out["error"] == "" || out["error"] == nil {
			t.Errorf("%s: %d %v, want %d with an error message", b.name, code, out, b.want)
		}
	}
	if code := s.get(t, "/healthz", nil); code != 200 {
		t.Errorf("healthz after bad input: %d", code)
	}

	// One brief for the seed on news.briefed.>, though it came in four times.
	time.Sleep(500 * time.Millisecond)
	stream, err := js.Stream(context.Background(), news.StreamNews)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(context.Background(), jetstream.WithSubjectFilter(news.SubjectBriefed+".>"))
	if err != nil {
		t.Fatal(err)
	}
	if n := info.State.Subjects[news.SubjectBriefed+".it"]; n != 1 {
		t.Errorf("news.briefed.it holds %d briefs, want 1 (the seed, once)", n)
	}
	var list struct{ Briefs []news.Brief }
	s.get(t, "/v1/briefs?limit=10", &list)
	if len(list.Briefs) != 2 {
		t.Errorf("GET /v1/briefs lists %d briefs, want 2", len(list.Briefs))
	}

	// 6. newsbrief reprocess re-runs both stored articles and replaces
	// their briefs: still two briefs, each newer than before.
	rout, err := exec.Command(binary, "reprocess", "--prompt-version", "e2e-2", "--nats-url", "nats://"+s.nats).CombinedOutput()
	if err != nil || !strings.Contains(string(rout), "queued 2 articles") {
		t.Fatalf("reprocess: %v\n%s", err, rout)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var again news.Brief
		s.get(t, "/v1/briefs/"+id, &again)
		if again.CreatedAt.After(br.CreatedAt) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the seed's brief was not replaced within 30s of reprocess")
		}
		time.Sleep(50 * time.Millisecond)
	}
	info, err = stream.Info(context.Background(), jetstream.WithSubjectFilter(news.SubjectBriefed+".>"))
	if err != nil {
		t.Fatal(err)
	}
	if n := info.State.Subjects[news.SubjectBriefed+".it"]; n != 2 {
		t.Errorf("after reprocess news.briefed.it holds %d briefs, want 2 (first run + re-run)", n)
	}
	s.get(t, "/v1/briefs?limit=10", &list)
	if len(list.Briefs) != 2 {
		t.Errorf("after reprocess GET /v1/briefs lists %d briefs, want 2", len(list.Briefs))
	}
}

func checkSeedBrief(t *testing.T, br news.Brief) {
	t.Helper()
	if br.Language.Code != "it" || br.SchemaVersion != news.SchemaVersion {
		t.Errorf("language %+v schema %q", br.Language, br.SchemaVersion)
	}
	if br.Headline == "" || br.Summary == "" || len(br.KeyPoints) < 2 {
		t.Errorf("headline %q, summary %q, %d key points", br.Headline, br.Summary, len(br.KeyPoints))
	}
	if br.Source.PublishedAt == nil || br.Source.PublishedAt.Format("2006-01-02") != "2025-12-17" {
		t.Errorf("published_at = %v, want 2025-12-17 from the date line", br.Source.PublishedAt)
	}
	has := map[string]string{}
	money := map[float64]string{}
	for _, e := range br.Entities {
		has[e.Name] = e.Type
		if e.Type == news.Money && e.Value != nil {
			money[*e.Value] = e.Currency
		}
		for _, m := range e.Mentions {
			if m.Start < 0 || m.End > len(br.Body) || m.Start >= m.End {
				t.Errorf("entity %q has a mention %v outside the body", e.Name, m)
			}
		}
	}
	// Names are the knowledge base's canonical names: "l'Agcom" is AGCOM.
	for _, org := range []string{"Fastweb", "AGCOM"} {
		if has[org] != news.Org {
			t.Errorf("ORG %s: got type %q", org, has[org])
		}
	}
	if has["Walter Renna"] != news.Person {
		t.Errorf("PERSON Walter Renna: got type %q", has["Walter Renna"])
	}
	for _, loc := range []string{"Napoli", "Bari", "Palermo"} {
		if has[loc] != news.Location {
			t.Errorf("LOCATION %s: got type %q", loc, has[loc])
		}
	}
	for _, v := range []float64{6e8, 3e8} {
		if money[v] != "EUR" {
			t.Errorf("MONEY %g EUR missing (have %v)", v, money)
		}
	}
	if !strings.HasPrefix(br.Method.Entities, "offline") || br.Method.Summary != "offline" {
		t.Errorf("method = %+v, want offline", br.Method)
	}
}
