package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/corpus"
	"github.com/newsbrief/newsbrief/pkg/gateway"
)

// e2eMode is one way of running the stack.
type e2eMode struct {
	name  string
	files []string // compose files after docker-compose.yml and deploy/compose.ci.yml
	env   []string
	// natsNode is a NATS service to kill during the second batch too.
	natsNode string
	// noViolations: the NATS log must show no permission violation.
	noViolations bool
}

var e2eModes = []e2eMode{
	{name: "single"},
	{
		name:     "cluster",
		files:    []string{"deploy/compose.cluster.yml", "deploy/compose.cluster.ci.yml"},
		natsNode: "n2",
	},
	{
		name:         "auth",
		files:        []string{"deploy/compose.auth.yml"},
		noViolations: true,
		env: []string{
			"NATS_INGEST_PASSWORD=e2e-ingest", "NATS_LANGDETECT_PASSWORD=e2e-langdetect",
			"NATS_ENTITIES_PASSWORD=e2e-entities", "NATS_SUMMARISE_PASSWORD=e2e-summarise",
			"NATS_GATEWAY_PASSWORD=e2e-gateway", "NATS_PRODUCER_PASSWORD=e2e-producer", "NATS_OPS_PASSWORD=e2e-ops",
			// the one-shot setup container from the host-built binary too
			"NEWSBRIEF_SETUP_DOCKERFILE=deploy/Dockerfile.prebuilt",
		},
	},
}

// TestComposeEndToEnd runs the real stack in containers: it builds the
// binaries on the host, packs them into scratch images with
// deploy/compose.ci.yml (nothing is pulled), starts the project, submits the
// seed article and 20 more through the published gateway port, reads every
// brief back, scales summarise to 2, kills workers in the middle of a second
// batch and restarts them, and checks that every article ends as exactly one
// brief. It needs a Docker engine and NEWSBRIEF_COMPOSE_E2E set to the modes
// to run, comma-separated: 1 or single (one NATS server), cluster (3-node
// JetStream cluster, R3 streams, a NATS node killed too), auth (one NATS
// user per worker, deploy/nats/auth.conf), all.
//
//	NEWSBRIEF_COMPOSE_E2E=1 bash .ci/docker.sh -- go test -v -timeout 20m -run TestComposeEndToEnd ./deploy/
//
// NEWSBRIEF_COMPOSE picks the compose command ("docker compose" or
// "docker-compose"); by default the v2 plugin when present, else 1.29.
func TestComposeEndToEnd(t *testing.T) {
	want := map[string]bool{}
	for _, m := range strings.Split(os.Getenv("NEWSBRIEF_COMPOSE_E2E"), ",") {
		switch m = strings.TrimSpace(m); m {
		case "":
		case "1":
			want["single"] = true
		case "all":
			for _, m := range e2eModes {
				want[m.name] = true
			}
		default:
			want[m] = true
		}
	}
	if len(want) == 0 {
		t.Skip("compose end-to-end test is opt-in: NEWSBRIEF_COMPOSE_E2E=1 (or single,cluster,auth,all) bash .ci/docker.sh -- go test -run TestComposeEndToEnd ./deploy/")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine reachable (run under .ci/docker.sh): %v: %s", err, firstLine(out))
	}
	root := repoRoot(t)
	for _, s := range workers {
		if _, err := os.Stat(filepath.Join(root, "services", s, "main.go")); err != nil {
			t.Skipf("services/%s/main.go not found: nothing to deploy yet", s)
		}
	}
	seed, others := e2eArticles(t)
	cmd := composeCommand(t)

	start := time.Now()
	mustRun(t, root, nil, 10*time.Minute, "bash", "deploy/prebuilt.sh")
	t.Logf("host build: %s", time.Since(start).Round(time.Millisecond))

	for _, m := range e2eModes {
		if !want[m.name] {
			continue
		}
		delete(want, m.name)
		t.Run(m.name, func(t *testing.T) { runE2E(t, root, cmd, m, seed, others) })
	}
	for m := range want {
		t.Errorf("NEWSBRIEF_COMPOSE_E2E: unknown mode %q", m)
	}
}

func runE2E(t *testing.T, root string, cmd []string, m e2eMode, seed string, others []string) {
	batch1, batch2 := pickArticles(others)
	port := freePort(t)
	c := &compose{t: t, root: root, cmd: cmd, files: m.files, env: append(append(os.Environ(),
		"COMPOSE_PROJECT_NAME=newsbrief-e2e",
		"NEWSBRIEF_GATEWAY_BIND=127.0.0.1",
		"NEWSBRIEF_GATEWAY_PORT="+strconv.Itoa(port),
		"NEWSBRIEF_NATS_PORT="+strconv.Itoa(freePort(t)), // not the host's 4222
		"OPENAI_BASE_URL=",                               // offline engines: deterministic, no network
		"NEWSBRIEF_LOG_LEVEL=info",
	), m.env...)}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	t.Logf("compose: %v %v, gateway on %s", c.cmd, c.args(), base)

	c.run(2*time.Minute, "down", "-v", "--remove-orphans") // leftovers of an aborted run
	t.Cleanup(func() {
		if t.Failed() {
			c.run(time.Minute, "ps")
			c.run(time.Minute, "logs", "--no-color", "--tail", "40")
		}
		c.run(2*time.Minute, "down", "-v", "--remove-orphans")
	})

	start := time.Now()
	c.must(10*time.Minute, "build")
	t.Logf("image build: %s", time.Since(start).Round(time.Millisecond))
	if out, err := runCmd(root, c.env, time.Minute, "docker", "images", "--format", "{{.Repository}}:{{.Tag}}\t{{.Size}}"); err == nil {
		t.Logf("images:\n%s", out)
	}

	upAt := time.Now()
	c.must(3*time.Minute, "up", "-d", "--no-build")
	waitHTTP(t, base+"/readyz", 90*time.Second)
	t.Logf("up to gateway ready: %s", time.Since(upAt).Round(time.Millisecond))

	cl := &client{t: t, base: base, http: http.Client{Timeout: 10 * time.Second}}
	seedID := cl.submitFile(seed, true)
	cl.waitBriefed([]string{seedID}, 2*time.Minute)
	t.Logf("up to first brief (seed %s): %s", seedID, time.Since(upAt).Round(time.Millisecond))

	ids := []string{seedID}
	for _, f := range batch1 {
		ids = append(ids, cl.submitFile(f, false))
	}
	b1 := time.Now()
	cl.waitBriefed(ids, 3*time.Minute)
	t.Logf("batch 1: %d articles briefed in %s", len(ids), time.Since(b1).Round(time.Millisecond))

	c.must(3*time.Minute, "up", "-d", "--no-build", "--no-recreate", "--scale", "summarise=2")
	summarisers := c.containers("summarise")
	if len(summarisers) != 2 {
		t.Fatalf("summarise containers = %v, want 2 after --scale summarise=2", summarisers)
	}
	entities := c.containers("entities")
	if len(entities) != 1 {
		t.Fatalf("entities containers = %v, want 1", entities)
	}
	killed := []string{summarisers[0], entities[0]}
	var natsNode []string
	if m.natsNode != "" {
		natsNode = c.containers(m.natsNode)
		killed = append(killed, natsNode...)
	}

	// Batch 2: kill one summarise replica and the only entities container
	// (and a NATS node on the cluster) while articles are in flight, then
	// bring them back.
	var ids2 []string
	b2 := time.Now()
	for i, f := range batch2 {
		switch i {
		case len(batch2) / 4:
			mustRun(t, root, c.env, time.Minute, "docker", "kill", summarisers[0])
			t.Logf("killed summarise container %.12s after %d submissions", summarisers[0], i)
		case len(batch2) / 2:
			mustRun(t, root, c.env, time.Minute, "docker", "kill", entities[0])
			t.Logf("killed entities container %.12s after %d submissions", entities[0], i)
		case 3 * len(batch2) / 4:
			if len(natsNode) > 0 {
				mustRun(t, root, c.env, time.Minute, "docker", "kill", natsNode[0])
				t.Logf("killed NATS node %s (%.12s) after %d submissions", m.natsNode, natsNode[0], i)
			}
		}
		ids2 = append(ids2, cl.submitFile(f, false))
	}
	time.Sleep(2 * time.Second)
	mustRun(t, root, c.env, time.Minute, "docker", append([]string{"start"}, killed...)...)
	t.Logf("restarted %d containers after %s", len(killed), time.Since(b2).Round(time.Millisecond))
	cl.waitBriefed(ids2, 3*time.Minute)
	t.Logf("batch 2 (with kills): %d articles briefed in %s", len(ids2), time.Since(b2).Round(time.Millisecond))

	// Every article is exactly one brief.
	all := append(ids, ids2...)
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Errorf("id %s returned for two different articles", id)
		}
		seen[id] = true
		var b struct {
			ID string `json:"id"`
		}
		if code := cl.getJSON("/v1/briefs/"+id, &b); code != http.StatusOK || b.ID != id {
			t.Errorf("GET /v1/briefs/%s = %d, id %q; want 200 and the same id", id, code, b.ID)
		}
	}
	listed := cl.listBriefIDs()
	counts := map[string]int{}
	for _, id := range listed {
		counts[id]++
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("brief %s listed %d times, want once", id, n)
		}
		if !seen[id] {
			t.Errorf("brief %s listed but never submitted", id)
		}
	}
	if len(counts) != len(seen) {
		t.Errorf("GET /v1/briefs lists %d distinct briefs, want %d (one per submitted article)", len(counts), len(seen))
	}
	t.Logf("kill test: %d submitted (%d POSTs retried after a 503), %d distinct ids, %d briefs listed (%d distinct)", len(all), cl.retries, len(seen), len(listed), len(counts))

	if m.noViolations {
		out, err := runCmd(root, c.env, time.Minute, c.cmd[0], c.args("logs", "--no-color", "nats")...)
		if err != nil {
			t.Fatalf("reading the NATS log: %v", err)
		}
		var v []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "Violation") {
				v = append(v, line)
			}
		}
		if len(v) > 0 {
			t.Errorf("NATS denied %d operations; deploy/nats/auth.conf is missing permissions:\n%s", len(v), strings.Join(v, "\n"))
		}
	}
}

// e2eArticles writes our own articles (internal/corpus) to files: the lead
// Italian article as the seed, and 40 others made distinct by a numbered
// line, so the test needs no shared data.
func e2eArticles(t *testing.T) (seed string, others []string) {
	t.Helper()
	dir := t.TempDir()
	seed = filepath.Join(dir, corpus.Lead)
	if err := os.WriteFile(seed, []byte(corpus.Get(corpus.Lead).Text), 0o644); err != nil {
		t.Fatal(err)
	}
	all := corpus.All()
	for i := 0; i < 40; i++ {
		a := all[i%len(all)]
		name := filepath.Join(dir, fmt.Sprintf("%s_%02d.txt", strings.TrimSuffix(a.Name, ".txt"), i))
		text := fmt.Sprintf("%s\n%s\n\n(e2e %d)\n", a.Title(), a.Body(), i)
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		others = append(others, name)
	}
	sort.Strings(others)
	return seed, others
}

// pickArticles returns 20 articles for the first batch and 20 others for
// the second, English and Italian mixed.
func pickArticles(files []string) (batch1, batch2 []string) {
	var en, it []string
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "en_") {
			en = append(en, f)
		} else {
			it = append(it, f)
		}
	}
	var mixed []string
	for len(mixed) < 40 && (len(en) > 0 || len(it) > 0) {
		if len(mixed)%3 == 2 && len(en) > 0 {
			mixed, en = append(mixed, en[0]), en[1:]
		} else if len(it) > 0 {
			mixed, it = append(mixed, it[0]), it[1:]
		} else {
			mixed, en = append(mixed, en[0]), en[1:]
		}
	}
	return mixed[:20], mixed[20:40]
}

// compose runs the compose CLI for the e2e project.
type compose struct {
	t     *testing.T
	root  string
	cmd   []string
	files []string // after docker-compose.yml and deploy/compose.ci.yml
	env   []string
}

func (c *compose) args(args ...string) []string {
	a := append([]string{}, c.cmd[1:]...)
	for _, f := range append([]string{"docker-compose.yml", "deploy/compose.ci.yml"}, c.files...) {
		a = append(a, "-f", f)
	}
	return append(a, args...)
}

// run logs failures; must fails the test.
func (c *compose) run(timeout time.Duration, args ...string) {
	c.t.Helper()
	out, err := runCmd(c.root, c.env, timeout, c.cmd[0], c.args(args...)...)
	c.t.Logf("%s %s:\n%s", strings.Join(c.cmd, " "), strings.Join(args, " "), tail(out, 6000))
	if err != nil {
		c.t.Logf("(%v)", err)
	}
}

func (c *compose) must(timeout time.Duration, args ...string) {
	c.t.Helper()
	out, err := runCmd(c.root, c.env, timeout, c.cmd[0], c.args(args...)...)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", strings.Join(c.cmd, " "), strings.Join(args, " "), err, tail(out, 6000))
	}
}

// containers returns the ids of a service's containers.
func (c *compose) containers(service string) []string {
	c.t.Helper()
	out, err := runCmd(c.root, c.env, time.Minute, c.cmd[0], c.args("ps", "-q", service)...)
	if err != nil {
		c.t.Fatalf("listing %s containers: %v\n%s", service, err, out)
	}
	return strings.Fields(string(out))
}

// composeCommand is $NEWSBRIEF_COMPOSE, else `docker compose` when the v2
// plugin answers, else docker-compose.
func composeCommand(t testing.TB) []string {
	t.Helper()
	if v := os.Getenv("NEWSBRIEF_COMPOSE"); v != "" {
		return strings.Fields(v)
	}
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose"}
	}
	t.Skip("neither `docker compose` nor docker-compose is installed")
	return nil
}

func runCmd(dir string, env []string, timeout time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %s: %w", name, timeout, err)
	}
	return out, err
}

func mustRun(t testing.TB, dir string, env []string, timeout time.Duration, name string, args ...string) {
	t.Helper()
	if out, err := runCmd(dir, env, timeout, name, args...); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out, 6000))
	}
}

// client talks to the gateway.
type client struct {
	t       *testing.T
	base    string
	http    http.Client
	retries int // submissions answered 503 (or not at all) and retried
}

// submitFile POSTs an article file: plain text when raw, else JSON with the
// first line as title and the rest as body. It returns the article id.
func (c *client) submitFile(path string, raw bool) string {
	c.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	ctype, body := "text/plain; charset=utf-8", data
	if !raw {
		title, rest, _ := strings.Cut(string(data), "\n")
		body, _ = json.Marshal(map[string]string{
			"title": strings.TrimSpace(title), "body": strings.TrimSpace(rest),
			"source": "e2e:" + filepath.Base(path),
		})
		ctype = "application/json"
	}
	// A 503 is the gateway saying "not now" (e.g. NATS failing over): a
	// client retries it, so do we, within a bound, and count it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, b, err := c.post(ctype, body)
		if err == nil && code == http.StatusAccepted {
			var got struct {
				ID        string `json:"id"`
				StatusURL string `json:"status_url"`
			}
			if json.Unmarshal(b, &got) != nil || got.ID == "" {
				c.t.Fatalf("POST /v1/articles (%s) = 202 %s; want an id", filepath.Base(path), firstLine(b))
			}
			return got.ID
		}
		retry := err != nil || code == http.StatusServiceUnavailable || code == http.StatusBadGateway || code == http.StatusGatewayTimeout
		if !retry || time.Now().After(deadline) {
			c.t.Fatalf("POST /v1/articles (%s) = %d %s (%v); want 202 with an id", filepath.Base(path), code, firstLine(b), err)
		}
		c.retries++
		c.t.Logf("POST /v1/articles (%s) = %d %s (%v); retrying", filepath.Base(path), code, firstLine(b), err)
		time.Sleep(500 * time.Millisecond)
	}
}

func (c *client) post(ctype string, body []byte) (int, []byte, error) {
	resp, err := c.http.Post(c.base+"/v1/articles", ctype, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// getJSON GETs path into v and returns the status code (0 on a transport error).
func (c *client) getJSON(path string, v any) int {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Errorf("GET %s: decoding %q: %v", path, firstLine(b), err)
		}
	}
	return resp.StatusCode
}

// waitBriefed polls /v1/articles/{id} until every id is briefed, failing on
// a rejected or failed article and when the deadline passes.
func (c *client) waitBriefed(ids []string, within time.Duration) {
	c.t.Helper()
	pending := map[string]bool{}
	for _, id := range ids {
		pending[id] = true
	}
	deadline := time.Now().Add(within)
	last := map[string]string{}
	for len(pending) > 0 {
		for id := range pending {
			var st struct{ Status, Reason, Stage string }
			if c.getJSON("/v1/articles/"+id, &st) != http.StatusOK {
				last[id] = "not found"
				continue
			}
			last[id] = st.Status + " " + st.Stage + " " + st.Reason
			switch st.Status {
			case "briefed":
				delete(pending, id)
			case "rejected", "failed":
				c.t.Errorf("article %s %s at %s: %s", id, st.Status, st.Stage, st.Reason)
				delete(pending, id)
			}
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			var left []string
			for id := range pending {
				left = append(left, id+" ("+strings.TrimSpace(last[id])+")")
			}
			sort.Strings(left)
			c.t.Fatalf("%d of %d articles not briefed within %s: %s", len(left), len(ids), within, strings.Join(left, ", "))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// listBriefIDs pages through GET /v1/briefs and returns every id listed.
func (c *client) listBriefIDs() []string {
	c.t.Helper()
	var ids []string
	cursor := ""
	for page := 0; page < 100; page++ {
		var l gateway.BriefList
		path := "/v1/briefs?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		if code := c.getJSON(path, &l); code != http.StatusOK {
			c.t.Fatalf("GET %s = %d, want 200", path, code)
		}
		for _, b := range l.Briefs {
			ids = append(ids, b.ID)
		}
		if l.NextCursor == "" {
			return ids
		}
		cursor = l.NextCursor
	}
	c.t.Fatalf("GET /v1/briefs: more than 100 pages")
	return nil
}

func waitHTTP(t testing.TB, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	hc := http.Client{Timeout: 2 * time.Second}
	var last string
	for time.Now().Before(deadline) {
		resp, err := hc.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s not 200 within %s (last: %s)", url, within, last)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// firstLine returns b on one line (JSON bodies are indented), shortened.
func firstLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
