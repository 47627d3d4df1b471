package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// TestGracefulShutdown sends SIGTERM to `newsbrief serve` mid-stream: it
// must drain what it holds (no delivery beyond the first after the
// restart) and lose nothing.
func TestGracefulShutdown(t *testing.T) {
	natsPort, httpPort := freePort(t), freePort(t)
	env := []string{
		"NEWSBRIEF_DATA=" + t.TempDir(),
		fmt.Sprintf("NEWSBRIEF_NATS_ADDR=127.0.0.1:%d", natsPort),
		fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", httpPort),
		"NEWSBRIEF_ACK_WAIT=3s", "NEWSBRIEF_LOG_LEVEL=debug",
		"NEWSBRIEF_ENTITIES_ENGINE=offline", "NEWSBRIEF_SUMMARY_ENGINE=offline",
	}
	srv := start(t, "serve", bin("newsbrief"), env, "serve")
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	waitHTTP(t, base+"/readyz", stallAfter)
	b := connect(t, fmt.Sprintf("nats://127.0.0.1:%d", natsPort))
	// Long articles, straight onto NATS: all are queued at once and the
	// pipeline stays busy well after the last publish. The watch starts
	// before the first publish; the event is a later stage holding or
	// queueing work, and the SIGTERM follows it at once.
	arts := longCorpus(t, articlesPerFault(), "sigterm", 6)
	accepted := ids(arts)
	held := make(chan bool, 1)
	go func() {
		held <- waitEvent(t, func() bool { return busy(b, news.StageEntities) > 0 || busy(b, news.StageSummarise) > 0 })
	}()
	submitNATSAtOnce(t, b, arts)
	if !<-held {
		t.Fatalf("the pipeline did not start briefing\n%s", queues(b))
	}
	n, _ := settledCount(b, accepted)
	startStop := time.Now()
	// The server bounds its own drain; the test waits for the exit, with a
	// cap only against a hang.
	if err := srv.term(stallAfter); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, tail(srv.output(), 20))
	}
	t.Logf("SIGTERM with %d of %d settled; stopped in %s", n, len(accepted), time.Since(startStop).Round(time.Millisecond))
	srv.restart()
	waitHTTP(t, base+"/readyz", stallAfter)
	waitSettled(t, b, accepted, stallAfter)
	r := check(t, b, accepted)
	for st, n := range redeliveries(srv.output()) {
		t.Errorf("stage %s: %d messages delivered again after a graceful shutdown", st, n)
		r.Redelivered += n
	}
	result(t, r)
	audited(t, b) // nothing pending with no message in flight (newsbrief audit)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestClusterNodeLoss runs the workers against a 3-node cluster with R3
// streams, kills one node mid-stream, checks the invariant, then restarts
// the node and waits for it to report healthy (caught up).
func TestClusterNodeLoss(t *testing.T) {
	type node struct {
		client, route, mon int
		p                  *proc
	}
	nodes := make([]*node, 3)
	for i := range nodes {
		nodes[i] = &node{client: freePort(t), route: freePort(t), mon: freePort(t)}
	}
	var urls []string
	for i, n := range nodes {
		var routes []string
		for j, o := range nodes {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", o.route))
			}
		}
		dir := t.TempDir()
		cfg := fmt.Sprintf(`server_name: n%d
listen: 127.0.0.1:%d
http: 127.0.0.1:%d
max_payload: 8MB
jetstream { store_dir: %q }
cluster { name: newsbrief, listen: 127.0.0.1:%d, routes: [%s] }
`, i+1, n.client, n.mon, filepath.Join(dir, "js"), n.route, strings.Join(routes, ", "))
		path := filepath.Join(dir, "nats.conf")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		n.p = start(t, fmt.Sprintf("n%d", i+1), bin("nats-server"), nil, "-c", path)
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", n.client))
	}
	for _, n := range nodes {
		waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", n.mon), 30*time.Second)
	}
	url := strings.Join(urls, ",")
	ps := workers(t, url, "NEWSBRIEF_REPLICAS=3")
	for _, p := range ps {
		waitHTTP(t, p.http+"/readyz", 60*time.Second)
	}
	b := connect(t, url, func(c *bus.Config) { c.Replicas = 3 })
	arts := corpus(t, articlesPerFault(), "cluster")
	submitNATS(t, b, arts)
	if !waitFor(30*time.Second, func() bool { return busy(b, news.StageEntities) > 0 }) {
		t.Log("entities was never seen with work; killing anyway")
	}
	n, _ := settledCount(b, ids(arts))
	victim := nodes[1]
	victim.p.kill()
	t.Logf("killed node n2 with %d of %d articles settled", n, len(arts))
	waitSettled(t, b, ids(arts), 120*time.Second)
	r := check(t, b, ids(arts))
	if r.Briefed != len(arts) {
		t.Errorf("briefed %d of %d real articles", r.Briefed, len(arts))
	}
	victim.p.restart()
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", victim.mon), 60*time.Second)
	t.Log("node n2 rejoined and reports healthy")
	for _, p := range ps {
		for _, n := range redeliveries(p.output()) {
			r.Redelivered += n
		}
	}
	result(t, r)
	audited(t, b) // nothing pending with no message in flight (newsbrief audit)
}
