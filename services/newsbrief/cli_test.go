package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// fakeAPI is a hand-written stand-in for the HTTP API the client commands
// talk to: every POST is briefed at once with the body as the summary.
type fakeAPI struct {
	mu     sync.Mutex
	posts  [][]byte
	cts    []string
	briefs map[string]news.Brief
	order  []string
}

func newFakeAPI(t *testing.T) (*fakeAPI, string) {
	f := &fakeAPI{briefs: map[string]news.Brief{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/articles", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sum := sha256.Sum256(body)
		id := hex.EncodeToString(sum[:16])
		f.mu.Lock()
		f.posts = append(f.posts, body)
		f.cts = append(f.cts, r.Header.Get("Content-Type"))
		if _, ok := f.briefs[id]; !ok {
			f.order = append([]string{id}, f.order...)
		}
		f.briefs[id] = news.Brief{ID: id, Headline: "headline " + id[:6], Summary: string(body), Language: news.Language{Code: "en", Confidence: 1}, CreatedAt: time.Now()}
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(gateway.Submitted{ID: id})
	})
	mux.HandleFunc("GET /v1/articles/{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(news.Status{ID: r.PathValue("id"), Status: news.StatusBriefed})
	})
	mux.HandleFunc("GET /v1/briefs/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(f.briefs[r.PathValue("id")])
	})
	mux.HandleFunc("GET /v1/briefs", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var l gateway.BriefList
		for _, id := range f.order {
			l.Briefs = append(l.Briefs, f.briefs[id])
		}
		_ = json.NewEncoder(w).Encode(l)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeAPI) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}

// runWith runs the CLI with stdin and extra environment.
func runWith(t *testing.T, ctx context.Context, stdin io.Reader, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := map[string]string{"NEWSBRIEF_LOG_LEVEL": "error"}
	for k, v := range env {
		e[k] = v
	}
	code := run(ctx, args, stdin, &out, &errb, func(k string) string { return e[k] })
	return code, out.String(), errb.String()
}

// jsonLines checks that out is JSON Lines and returns the objects.
func jsonLines(t *testing.T, what, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%s: line %d is not one JSON object (%v): %.200q", what, i+1, err, line)
		}
		objs = append(objs, m)
	}
	return objs
}

// Issue #18 item 1: with no FILE, standard input is read when it is not a
// terminal; a terminal (here /dev/null, a character device like a tty) is
// not read and the usage is shown.
func TestStdinWhenNoFile(t *testing.T) {
	en, err := os.ReadFile("testdata/en_article.txt")
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(map[string]string{"body": string(en)})

	code, out, errs := runWith(t, context.Background(), bytes.NewReader(append(line, '\n')), nil, "brief", "--jsonl")
	if code != 0 {
		t.Fatalf("brief --jsonl < f: exit %d: %s", code, errs)
	}
	if objs := jsonLines(t, "brief --jsonl", out); len(objs) != 1 || objs[0]["headline"] == "" {
		t.Errorf("brief --jsonl < f: %d briefs, want 1 with a headline", len(objs))
	}
	code, out, errs = runWith(t, context.Background(), bytes.NewReader(en), nil, "brief", "--format", "md")
	if code != 0 || !strings.HasPrefix(out, "## ") {
		t.Errorf("brief --format md < f: exit %d, out %.100q, err %q", code, out, errs)
	}

	api, url := newFakeAPI(t)
	env := map[string]string{"NEWSBRIEF_URL": url}
	code, out, errs = runWith(t, context.Background(), bytes.NewReader(en), env, "submit")
	if code != 0 || api.postCount() != 1 || !bytes.Equal(api.posts[0], en) {
		t.Fatalf("submit < f: exit %d, %d posts, out %q, err %q", code, api.postCount(), out, errs)
	}
	if api.cts[0] != "" {
		t.Errorf("submit < f: Content-Type %q, want none (the server recognises JSON, HTML or text)", api.cts[0])
	}
	if f := strings.Split(strings.TrimSpace(out), "\t"); len(f) != 3 || f[1] != "-" || f[2] != "queued" {
		t.Errorf("submit < f: stdout %q, want ID<TAB>-<TAB>queued", out)
	}

	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	for _, args := range [][]string{{"brief"}, {"submit"}} {
		code, _, errs := runWith(t, context.Background(), devnull, env, args...)
		if code != 2 || !strings.Contains(errs, "usage:") {
			t.Errorf("%v with a terminal on stdin: exit %d, stderr %q; want 2 and the usage", args, code, errs)
		}
	}
}

// Issue #18 item 2: `submit --wait --format json` writes only briefs on
// stdout, as JSON Lines (the id lines go to stderr); `briefs --format json`
// is JSON Lines.
func TestOutputIsMachineReadable(t *testing.T) {
	_, url := newFakeAPI(t)
	env := map[string]string{"NEWSBRIEF_URL": url}
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("article "+name), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	code, out, errs := runWith(t, context.Background(), nil, env, append([]string{"submit", "--wait", "--format", "json"}, files...)...)
	if code != 0 {
		t.Fatalf("submit --wait: exit %d: %s", code, errs)
	}
	objs := jsonLines(t, "submit --wait --format json", out)
	if len(objs) != 3 {
		t.Errorf("submit --wait --format json: %d briefs on stdout, want 3", len(objs))
	}
	if strings.Count(errs, "\tqueued") != 3 {
		t.Errorf("submit --wait: stderr %q, want the 3 id lines", errs)
	}
	// Issue #18 item 4: stderr is not a terminal: no progress bar frames.
	if strings.Contains(errs, "\r") || !strings.Contains(errs, "submitted 3, duplicates 0, failed 0") {
		t.Errorf("submit to a non-terminal stderr: %q, want plain lines and the summary", errs)
	}
	// Flags after the files work too.
	code, out, errs = runWith(t, context.Background(), nil, env, "submit", files[0], "--wait", "--format", "json")
	if code != 0 || len(jsonLines(t, "submit FILE --wait", out)) != 1 {
		t.Errorf("submit FILE --wait --format json: exit %d, out %q, err %q", code, out, errs)
	}

	code, out, errs = runWith(t, context.Background(), nil, env, "briefs", "--format", "json")
	if code != 0 {
		t.Fatalf("briefs --format json: exit %d: %s", code, errs)
	}
	if objs := jsonLines(t, "briefs --format json", out); len(objs) != 3 {
		t.Errorf("briefs --format json: %d lines, want 3", len(objs))
	}
	code, _, errs = runWith(t, context.Background(), nil, env, "briefs", "--format", "yaml")
	if code != 2 || !strings.Contains(errs, "unknown --format") {
		t.Errorf("briefs --format yaml: exit %d, %q", code, errs)
	}
}

// Issue #18 item 3: -h and --help on anything print help on stdout and
// exit 0; `newsbrief -h` lists the commands.
func TestHelpEverywhere(t *testing.T) {
	for _, h := range []string{"-h", "--help"} {
		code, out, errs := runWith(t, context.Background(), nil, nil, h)
		if code != 0 || !strings.Contains(out, "newsbrief submit") || !strings.Contains(out, "newsbrief brief") {
			t.Errorf("newsbrief %s: exit %d, stdout %.80q, stderr %.80q; want the command list", h, code, out, errs)
		}
	}
	cmds := [][]string{{"serve"}, {"submit"}, {"briefs"}, {"brief"}, {"digest"}, {"eval"}, {"dlq"}, {"reprocess"}, {"bench"}, {"healthcheck"}, {"version"}, {"help", "submit"}}
	for _, cmd := range cmds {
		for _, h := range []string{"-h", "--help"} {
			args := append(append([]string{}, cmd...), h)
			if cmd[0] == "help" {
				args = cmd
			}
			code, out, errs := runWith(t, context.Background(), nil, nil, args...)
			if code != 0 || !strings.Contains(strings.ToLower(out), "usage") {
				t.Errorf("newsbrief %s: exit %d, stdout %.120q, stderr %.120q; want usage on stdout, exit 0", strings.Join(args, " "), code, out, errs)
			}
		}
	}
	// serve -h shows the flags, LLM ones included (item 15), and the
	// loopback default (item 10).
	_, out, _ := runWith(t, context.Background(), nil, nil, "serve", "-h")
	if !strings.Contains(out, `(default "127.0.0.1:8080")`) {
		t.Errorf("serve -h: the HTTP address does not default to loopback:\n%s", out)
	}
	for _, f := range []string{"-http-addr", "-llm-model", "-openai-base-url", "-llm-daily-tokens"} {
		if !strings.Contains(out, f) {
			t.Errorf("serve -h does not show %s", f)
		}
	}
}

// endless is an input that never ends, like /dev/zero.
type endless struct{ reads int }

func (e *endless) Read(p []byte) (int, error) {
	e.reads++
	clear(p)
	return len(p), nil
}

// Issue #13 item 11: the CLI reads its input through the server's size
// limit and stops when the context is cancelled (a signal).
func TestInputIsBounded(t *testing.T) {
	api, url := newFakeAPI(t)
	env := map[string]string{"NEWSBRIEF_URL": url, "NEWSBRIEF_MAX_BYTES": "1024"}
	src := &endless{}
	code, _, errs := runWith(t, context.Background(), src, env, "submit", "-")
	if code != 1 || !strings.Contains(errs, "input too large") || api.postCount() != 0 {
		t.Errorf("submit - < endless: exit %d, %d posts, stderr %q; want 1, nothing sent, too large", code, api.postCount(), errs)
	}
	if limit := gateway.RequestLimit(1024); int64(src.reads)*512 > 4*limit+1<<20 {
		t.Errorf("read %d times for a limit of %d bytes", src.reads, limit)
	}
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, bytes.Repeat([]byte("parola "), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runWith(t, context.Background(), nil, env, "submit", big); code != 1 || !strings.Contains(errs, "NEWSBRIEF_MAX_BYTES=1024") {
		t.Errorf("submit of 7000 bytes with a 1024-byte limit: exit %d, %q", code, errs)
	}
	if code, _, errs := runWith(t, context.Background(), &endless{}, env, "brief", "--jsonl"); code != 1 || !strings.Contains(errs, "input too large") {
		t.Errorf("brief --jsonl < endless: exit %d, %q", code, errs)
	}

	// A cancelled context (SIGTERM) stops the read.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := readLimited(ctx, &endless{}, 1<<30)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("readLimited after cancel: %v, want context.Canceled", err)
	}
}

// TestSubmitDevZero runs the binary as the issue did: `submit /dev/zero`
// ends with an error instead of growing, and `submit -` blocked on a pipe
// ends on SIGTERM.
func TestSubmitDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	cmd := exec.Command(binary, "submit", "/dev/zero")
	cmd.Env = append(os.Environ(), "NEWSBRIEF_URL=http://127.0.0.1:1")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "input too large") {
		t.Errorf("submit /dev/zero: %v, output %q; want exit 1, input too large", err, out)
	}

	cmd = exec.Command(binary, "submit", "-")
	cmd.Env = append(os.Environ(), "NEWSBRIEF_URL=http://127.0.0.1:1")
	w, err := cmd.StdinPipe() // never written, never closed: the read blocks
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Signal until the process has its handler installed and ends.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-done:
			if cmd.ProcessState.Success() {
				t.Errorf("submit - after SIGTERM: exit 0, want a failure; stderr %q", errb.String())
			}
			return
		case <-tick.C:
			if i == 0 {
				_ = cmd.Process.Signal(syscall.SIGTERM)
			}
			if i > 300 {
				_ = cmd.Process.Kill()
				t.Fatal("submit - did not end within 60s of SIGTERM")
			}
		}
	}
}

// Issue #18 item 15: serve reports every configuration problem, LLM
// settings included, before it starts anything (no data directory, no
// embedded NATS server).
func TestServeChecksConfigFirst(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, _, errs := runWith(t, context.Background(), nil, map[string]string{
		"NEWSBRIEF_DATA": data, "NEWSBRIEF_WORKERS": "0", "NEWSBRIEF_LLM_TIMEOUT": "soon",
		"NEWSBRIEF_HTTP_ADDR": "127.0.0.1:0", "NEWSBRIEF_NATS_ADDR": "127.0.0.1:0",
	}, "serve")
	if code == 0 || !strings.Contains(errs, "NEWSBRIEF_WORKERS") || !strings.Contains(errs, "NEWSBRIEF_LLM_TIMEOUT") {
		t.Errorf("serve with two bad settings: exit %d, %q; want both reported", code, errs)
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve with a bad config created its data directory (%v): it started something", err)
	}
}
