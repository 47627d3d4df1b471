package faults

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// articlesPerFault is N in "N articles end as N briefs"; override with
// NEWSBRIEF_FAULTS_N.
func articlesPerFault() int {
	if n, err := strconv.Atoi(os.Getenv("NEWSBRIEF_FAULTS_N")); err == nil && n > 0 {
		return n
	}
	return 80
}

// TestKillWorker kills each worker type with -9 while it holds unacked
// messages, restarts it, and checks the invariant for that batch.
func TestKillWorker(t *testing.T) {
	_, url := natsServer(t, "nats")
	ps := workers(t, url)
	b := connect(t, url)
	for _, victim := range []string{"ingest", "langdetect", "entities", "summarise", "gateway"} {
		t.Run(victim, func(t *testing.T) {
			consumer := victim
			if victim == "gateway" {
				consumer = news.StageRecord
			}
			arts := corpus(t, articlesPerFault(), "kill-"+victim)
			// Watch from before the first publish: ingest is fast enough
			// (≈ 0.1 ms an article) to be idle again by the time
			// submitNATS returns.
			heldc := make(chan int, 1)
			go func() {
				held := 0
				waitFor(20*time.Second, func() bool { held = ackPending(b, consumer); return held > 0 })
				heldc <- held
			}()
			submitNATS(t, b, arts)
			held := <-heldc
			if held == 0 {
				t.Fatalf("%s never held an unacked message", victim)
			}
			p := ps[victim]
			p.kill()
			t.Logf("killed %s holding %d unacked messages", victim, held)
			time.Sleep(300 * time.Millisecond)
			p.restart()
			waitSettled(t, b, ids(arts), 60*time.Second)
			r := check(t, b, ids(arts))
			if r.Briefed != len(arts) {
				t.Errorf("briefed %d of %d real articles", r.Briefed, len(arts))
			}
			r.Redelivered = redeliveries(p.output())[consumer]
			result(t, r)
			audited(t, b) // nothing pending with no message in flight (newsbrief audit)
		})
	}
}

// TestKillServe kills the all-in-one `newsbrief serve` (embedded NATS and
// every stage) with -9 mid-stream and restarts it on the same data
// directory.
func TestKillServe(t *testing.T) {
	natsPort, httpPort := freePort(t), freePort(t)
	data := t.TempDir()
	env := []string{
		"NEWSBRIEF_DATA=" + data,
		fmt.Sprintf("NEWSBRIEF_NATS_ADDR=127.0.0.1:%d", natsPort),
		fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", httpPort),
		"NEWSBRIEF_ACK_WAIT=3s", "NEWSBRIEF_LOG_LEVEL=debug",
		"NEWSBRIEF_ENTITIES_ENGINE=offline", "NEWSBRIEF_SUMMARY_ENGINE=offline",
	}
	srv := start(t, "serve", bin("newsbrief"), env, "serve")
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	waitHTTP(t, base+"/readyz", 30*time.Second)
	url := fmt.Sprintf("nats://127.0.0.1:%d", natsPort)
	b := connect(t, url)
	arts := corpus(t, articlesPerFault(), "kill-serve")
	// A few through the HTTP API, the rest straight onto NATS so that all
	// are queued at once and the kill finds work in every stage.
	accepted := postAll(t, base, arts[:10])
	submitNATS(t, b, arts[10:])
	accepted = append(accepted, ids(arts[10:])...)
	if !waitFor(20*time.Second, func() bool { return ackPending(b, news.StageLangDetect) > 0 }) {
		t.Log("langdetect was never seen holding work; killing anyway")
	}
	n, _ := settledCount(b, accepted)
	srv.kill()
	t.Logf("killed newsbrief serve with %d of %d articles settled", n, len(accepted))
	srv.restart()
	waitHTTP(t, base+"/readyz", 30*time.Second)
	waitSettled(t, b, accepted, 90*time.Second)
	r := check(t, b, accepted)
	if r.Briefed != len(arts) {
		t.Errorf("briefed %d of %d real articles", r.Briefed, len(arts))
	}
	for _, n := range redeliveries(srv.output()) {
		r.Redelivered += n
	}
	result(t, r)
	audited(t, b) // nothing pending with no message in flight (newsbrief audit)
}

// TestNATSRestart kills the NATS server under running workers and starts
// it again on the same port and store: the workers reconnect by themselves.
func TestNATSRestart(t *testing.T) {
	srv, url := natsServer(t, "nats")
	ps := workers(t, url)
	b := connect(t, url)
	// Long articles queued at once keep the pipeline busy past the last
	// publish; the watch starts first, and the kill follows the event
	// (entities holds work).
	arts := longCorpus(t, articlesPerFault(), "nats-restart", 6)
	held := make(chan bool, 1)
	go func() { held <- waitEvent(t, func() bool { return ackPending(b, news.StageEntities) > 0 }) }()
	submitNATSAtOnce(t, b, arts)
	if !<-held {
		t.Fatalf("the pipeline did not start\n%s", queues(b))
	}
	n, _ := settledCount(b, ids(arts))
	t.Logf("killing nats-server with %d of %d settled", n, len(arts))
	srv.kill()
	t.Log("killed nats-server -9 while entities held work")
	time.Sleep(time.Second) // the outage itself, not a wait for anything
	srv.restart()
	waitSettled(t, b, ids(arts), stallAfter)
	r := check(t, b, ids(arts))
	if r.Briefed != len(arts) {
		t.Errorf("briefed %d of %d real articles", r.Briefed, len(arts))
	}
	var logs []string
	for _, p := range ps {
		logs = append(logs, p.output())
	}
	for _, n := range redeliveries(logs...) {
		r.Redelivered += n
	}
	// Reconnected by themselves: every worker is ready again (its /readyz
	// asks JetStream), none was restarted.
	for _, p := range ps {
		waitHTTP(t, p.http+"/readyz", stallAfter)
	}
	result(t, r)
	audited(t, b) // nothing pending with no message in flight (newsbrief audit)
}
