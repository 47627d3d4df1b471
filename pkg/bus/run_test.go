package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// The conformance suite: what every stage can rely on from the runner.

var fastPolicy = stage.Policy{MaxDeliver: 4, Base: 20 * time.Millisecond, Max: 100 * time.Millisecond}

type item struct {
	ID string `json:"id"`
	N  int    `json:"n"`
}

const (
	inSubj  = "news.test.in"
	outSubj = "news.test.out"
)

// start runs a stage reading inSubj and writing outSubj until the returned
// stop is called; stop waits for the drain.
func start(t *testing.T, b *bus.Bus, name string, fn stage.Func[item, item], observe func(bus.Outcome)) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- bus.Run(ctx, b, bus.Spec[item, item]{
			Name: name, Subjects: []string{inSubj}, Func: fn, Policy: fastPolicy, Workers: 4, Observe: observe,
			Route: func(o item) (string, string) { return outSubj, o.ID },
		})
	}()
	// The consumer exists once Run has created it; tests ask the server
	// about it, so wait for that.
	bustest.Eventually(t, 10*time.Second, "consumer "+name, func() bool {
		_, err := b.JS.Consumer(context.Background(), news.StreamNews, name)
		return err == nil
	})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run returned %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func send(t *testing.T, b *bus.Bus, it item, msgID string) {
	t.Helper()
	data, _ := json.Marshal(it)
	msg := &nats.Msg{Subject: inSubj, Data: data, Header: nats.Header{news.HeaderID: []string{it.ID}}}
	opts := []jetstream.PublishOpt{}
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	if _, err := b.JS.PublishMsg(context.Background(), msg, opts...); err != nil {
		t.Fatalf("publishing %s: %v", it.ID, err)
	}
}

// count returns how many messages the NEWS stream holds on subject.
func count(t *testing.T, b *bus.Bus, stream, subject string) int {
	t.Helper()
	st, err := b.JS.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter(subject))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range info.State.Subjects {
		n += int(c)
	}
	return n
}

func pending(t *testing.T, b *bus.Bus, consumer string) (ackPending, numPending int) {
	t.Helper()
	c, err := b.JS.Consumer(context.Background(), news.StreamNews, consumer)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.NumAckPending, int(info.NumPending)
}

func double(_ context.Context, in item) (item, error) { return item{ID: in.ID, N: in.N * 2}, nil }

func TestRunPublishesThenAcks(t *testing.T) {
	b, _ := bustest.New(t)
	start(t, b, "double", double, nil)
	for i := range 10 {
		send(t, b, item{ID: fmt.Sprintf("a%d", i), N: i}, "")
	}
	bustest.Eventually(t, 10*time.Second, "10 outputs", func() bool { return count(t, b, news.StreamNews, outSubj) == 10 })
	bustest.Eventually(t, 5*time.Second, "all acked", func() bool { a, n := pending(t, b, "double"); return a == 0 && n == 0 })
}

func TestRunRetriesWithDelayThenSucceeds(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	var outcomes []bus.Outcome
	var mu sync.Mutex
	start(t, b, "flaky", func(ctx context.Context, in item) (item, error) {
		if calls.Add(1) < 3 {
			return item{}, errors.New("temporarily broken")
		}
		return in, nil
	}, func(o bus.Outcome) { mu.Lock(); outcomes = append(outcomes, o); mu.Unlock() })
	send(t, b, item{ID: "x"}, "")
	bustest.Eventually(t, 10*time.Second, "output after retries", func() bool { return count(t, b, news.StreamNews, outSubj) == 1 })
	// The outcome is observed after the publish and the ack: wait for it.
	bustest.Eventually(t, 10*time.Second, "three outcomes", func() bool { mu.Lock(); defer mu.Unlock(); return len(outcomes) >= 3 })
	mu.Lock()
	defer mu.Unlock()
	if len(outcomes) != 3 {
		t.Fatalf("got %d outcomes, want 3 (2 retries + publish): %+v", len(outcomes), outcomes)
	}
	for i, want := range []stage.Action{stage.Retry, stage.Retry, stage.Publish} {
		if outcomes[i].Action != want || outcomes[i].Delivered != i+1 {
			t.Errorf("outcome %d = %v delivered %d, want %v delivered %d", i, outcomes[i].Action, outcomes[i].Delivered, want, i+1)
		}
	}
	if count(t, b, news.StreamDLQ, "dlq.>") != 0 {
		t.Error("a message that succeeded on retry was dead-lettered")
	}
}

func dlq(t *testing.T, b *bus.Bus) []bus.DeadLetter {
	t.Helper()
	dls, err := b.DeadLetters(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return dls
}

func TestRunDeadLettersPermanentErrors(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	start(t, b, "strict", func(ctx context.Context, in item) (item, error) {
		calls.Add(1)
		return item{}, stage.Permanent(errors.New("cannot parse the thing"))
	}, nil)
	send(t, b, item{ID: "p1"}, "")
	bustest.Eventually(t, 5*time.Second, "dead letter", func() bool { return len(dlq(t, b)) == 1 })
	dl := dlq(t, b)[0]
	if dl.ID != "p1" || dl.Stage != "strict" || dl.FailedSubject != inSubj || dl.Deliveries != 1 {
		t.Errorf("dead letter = %+v", dl)
	}
	if want := "permanent: cannot parse the thing"; dl.Reason != want {
		t.Errorf("reason = %q, want %q", dl.Reason, want)
	}
	time.Sleep(300 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("permanent error was retried: %d calls", n)
	}
	if a, n := pending(t, b, "strict"); a != 0 || n != 0 {
		t.Errorf("after dead-lettering: %d ack pending, %d pending", a, n)
	}
}

func TestRunDeadLettersWhenRetriesAreExhausted(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	start(t, b, "broken", func(ctx context.Context, in item) (item, error) {
		calls.Add(1)
		return item{}, errors.New("still down")
	}, nil)
	send(t, b, item{ID: "e1"}, "")
	bustest.Eventually(t, 15*time.Second, "dead letter", func() bool { return len(dlq(t, b)) == 1 })
	dl := dlq(t, b)[0]
	if dl.Deliveries != fastPolicy.MaxDeliver || dl.Reason != "retries exhausted: still down" {
		t.Errorf("dead letter = %+v, want %d deliveries and the last error", dl, fastPolicy.MaxDeliver)
	}
	if n := calls.Load(); int(n) != fastPolicy.MaxDeliver {
		t.Errorf("stage called %d times, want %d", n, fastPolicy.MaxDeliver)
	}
}

func TestRunDeadLettersPanicsAndCarriesOn(t *testing.T) {
	b, _ := bustest.New(t)
	start(t, b, "fragile", func(ctx context.Context, in item) (item, error) {
		if in.ID == "poison" {
			panic("index out of range")
		}
		return in, nil
	}, nil)
	send(t, b, item{ID: "ok1"}, "")
	send(t, b, item{ID: "poison"}, "")
	send(t, b, item{ID: "ok2"}, "")
	bustest.Eventually(t, 5*time.Second, "two outputs and a dead letter", func() bool {
		return count(t, b, news.StreamNews, outSubj) == 2 && len(dlq(t, b)) == 1
	})
	if r := dlq(t, b)[0].Reason; len(r) < 30 || r[:36] != "permanent: panic: index out of range" {
		t.Errorf("reason = %.80q, want the panic and its stack", r)
	}
}

func TestRunDropsDuplicateOutputs(t *testing.T) {
	b, _ := bustest.New(t)
	start(t, b, "dup", double, nil)
	// The same article delivered twice (two different input messages):
	// its output has the same Msg-Id and the stream keeps one.
	send(t, b, item{ID: "same", N: 1}, "in-1")
	send(t, b, item{ID: "same", N: 1}, "in-2")
	// A second output would make the count 2 for good, and this wait fail.
	bustest.Eventually(t, 10*time.Second, "both inputs acked, one output", func() bool {
		a, n := pending(t, b, "dup")
		return a == 0 && n == 0 && count(t, b, news.StreamNews, outSubj) == 1
	})
	// And the same input Msg-Id published twice is stored once.
	send(t, b, item{ID: "twice"}, "in-3")
	send(t, b, item{ID: "twice"}, "in-3")
	if n := count(t, b, news.StreamNews, inSubj); n != 3 {
		t.Errorf("inputs stored = %d, want 3", n)
	}
}

func TestRunDrainsOnShutdownWithoutLoss(t *testing.T) {
	b, _ := bustest.New(t)
	const n = 40
	var calls atomic.Int32
	slow := func(ctx context.Context, in item) (item, error) {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond)
		return in, nil
	}
	stop := start(t, b, "slow", slow, nil)
	for i := range n {
		send(t, b, item{ID: fmt.Sprintf("d%d", i)}, "")
	}
	bustest.Eventually(t, 5*time.Second, "some progress", func() bool { return count(t, b, news.StreamNews, outSubj) >= 5 })
	stop() // mid-stream
	if a, _ := pending(t, b, "slow"); a != 0 {
		t.Errorf("after drain %d messages are still unacked (would be redelivered)", a)
	}
	start(t, b, "slow", slow, nil)
	bustest.Eventually(t, 10*time.Second, "all outputs", func() bool { return count(t, b, news.StreamNews, outSubj) == n })
	if c := calls.Load(); c != n {
		t.Errorf("stage called %d times for %d messages: the drain redelivered work", c, n)
	}
}

func TestRejectionsAndDeadLettersBecomeStatus(t *testing.T) {
	b, _ := bustest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	rec := make(chan error, 1)
	go func() { rec <- bus.Record(ctx, b, 2, nil) }()
	t.Cleanup(func() { cancel(); <-rec })
	start(t, b, "judge", func(ctx context.Context, in item) (item, error) {
		switch in.ID {
		case "es":
			return item{}, stage.Reject("language es is not supported")
		case "bad":
			return item{}, stage.Permanent(errors.New("broken input"))
		}
		return in, nil
	}, nil)
	send(t, b, item{ID: "es"}, "")
	send(t, b, item{ID: "bad"}, "")
	arts, err := b.Articles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status := func(id string) news.Status { st, _ := arts.Get(context.Background(), id); return st }
	bustest.Eventually(t, 5*time.Second, "statuses", func() bool {
		return status("es").Status == news.StatusRejected && status("bad").Status == news.StatusFailed
	})
	if st := status("es"); st.Reason != "language es is not supported" || st.Stage != "judge" {
		t.Errorf("rejected status = %+v", st)
	}
	if st := status("bad"); st.Reason != "permanent: broken input" || st.Stage != "judge" {
		t.Errorf("failed status = %+v", st)
	}
}

func TestRetryDeadLetterReinjects(t *testing.T) {
	b, _ := bustest.New(t)
	var fixed atomic.Bool
	start(t, b, "fixme", func(ctx context.Context, in item) (item, error) {
		if !fixed.Load() {
			return item{}, stage.Permanent(errors.New("bug"))
		}
		return in, nil
	}, nil)
	send(t, b, item{ID: "r1"}, "")
	bustest.Eventually(t, 5*time.Second, "dead letter", func() bool { return len(dlq(t, b)) == 1 })
	fixed.Store(true)
	if _, err := b.RetryDeadLetter(context.Background(), dlq(t, b)[0].Seq); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 5*time.Second, "output after retry", func() bool { return count(t, b, news.StreamNews, outSubj) == 1 })
	if n := len(dlq(t, b)); n != 0 {
		t.Errorf("DLQ still holds %d after retry", n)
	}
}

func TestClaimDedupsBeyondTheWindow(t *testing.T) {
	b, _ := bustest.New(t)
	ctx := context.Background()
	arts, err := b.Articles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		set       string
		wantFresh bool
	}{
		{"", true},                   // new
		{"", true},                   // still pending: a retry may proceed
		{news.StatusBriefed, false},  // done: a duplicate
		{news.StatusRejected, false}, // done: a duplicate
		{news.StatusFailed, true},    // failed: resubmitting retries
	}
	for i, s := range steps {
		if s.set != "" {
			if err := arts.Set(ctx, news.Status{ID: "c1", Status: s.set}); err != nil {
				t.Fatal(err)
			}
		}
		fresh, _, err := arts.Claim(ctx, "c1")
		if err != nil || fresh != s.wantFresh {
			t.Errorf("step %d (status %q): fresh=%v err=%v, want fresh=%v", i, s.set, fresh, err, s.wantFresh)
		}
	}
	// A deleted status (a delete marker in the bucket) is claimed afresh.
	kv, err := b.JS.KeyValue(ctx, news.BucketArticles)
	if err != nil {
		t.Fatal(err)
	}
	if err := kv.Delete(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if fresh, st, err := arts.Claim(ctx, "c1"); err != nil || !fresh || st.Status != news.StatusPending {
		t.Errorf("claim after delete: fresh=%v status=%q err=%v, want a fresh pending claim", fresh, st.Status, err)
	}
	if st, err := arts.Get(ctx, "c1"); err != nil || st.Status != news.StatusPending {
		t.Errorf("status after claim of a deleted key = %+v, %v, want pending", st, err)
	}
	if _, err := arts.Get(ctx, "no-such"); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("Get of a missing id: %v, want ErrNotFound", err)
	}
	if _, err := arts.Get(ctx, "bad key!"); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("Get of an invalid key: %v, want ErrNotFound", err)
	}
}

// A call longer than AckWait is kept alive: the server does not redeliver
// the message while the stage works on it.
func TestSlowCallIsNotRedelivered(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	settled := make(chan bus.Outcome, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- bus.Run(ctx, b, bus.Spec[item, item]{
			Name: "keepalive", Subjects: []string{inSubj}, Policy: fastPolicy, Workers: 2, AckWait: 600 * time.Millisecond,
			Func: func(context.Context, item) (item, error) {
				calls.Add(1)
				time.Sleep(1500 * time.Millisecond)
				return item{ID: "k1"}, nil
			},
			Route:   func(o item) (string, string) { return outSubj, o.ID },
			Observe: func(o bus.Outcome) { settled <- o },
		})
	}()
	defer func() { cancel(); <-done }()
	bustest.Eventually(t, 10*time.Second, "consumer keepalive", func() bool {
		_, err := b.JS.Consumer(context.Background(), news.StreamNews, "keepalive")
		return err == nil
	})
	send(t, b, item{ID: "k1"}, "k1")
	select {
	case o := <-settled:
		if o.Delivered != 1 || o.Action != stage.Publish {
			t.Errorf("outcome = delivered %d, %v; want delivered 1, publish", o.Delivered, o.Action)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("not settled")
	}
	time.Sleep(700 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("stage called %d times, want 1 (redelivered while in progress)", n)
	}
}

// The recorder stores a brief as the summarise stage encoded it (fields it
// does not know included) and marks the article briefed; a brief it cannot
// read, or whose id cannot be a key, is dead-lettered, not stored.
func TestRecordStoresBriefsAsPublished(t *testing.T) {
	b, _ := bustest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	rec := make(chan error, 1)
	go func() { rec <- bus.Record(ctx, b, 2, nil) }()
	t.Cleanup(func() { cancel(); <-rec })
	pub := func(id string, data []byte) {
		t.Helper()
		h := nats.Header{}
		h.Set(news.HeaderStage, news.StageSummarise)
		msg := &nats.Msg{Subject: news.Subject(news.SubjectBriefed, "it"), Data: data, Header: h}
		if _, err := b.JS.PublishMsg(context.Background(), msg, jetstream.WithMsgID(id+".summarise")); err != nil {
			t.Fatal(err)
		}
	}
	b1 := news.ID("T", "uno è tre")
	good := []byte(`{"id":"` + b1 + `","schema_version":"1.0","language":{"code":"it","confidence":0.99},"title":"T","headline":"H","summary":"S","key_points":[],"entities":[],"topics":[],"source":{},"method":{"entities":"offline","summary":"offline"},"created_at":"2026-11-25T07:00:00Z","word_count":3,"body":"uno \u00e8 tre","future_field":{"x":1}}`)
	pub(b1, good)
	pub("b2", []byte(`{"id":"b2","language":`))
	pub("b3", []byte(`{"id":"bad key!","language":{"code":"it"}}`))
	// A brief that claims b1's id for another text (issue #13): filed
	// under nothing, dead-lettered under its own text's id.
	pub("b4", []byte(`{"id":"`+b1+`","language":{"code":"it"},"title":"T","body":"forged text"}`))

	briefs, err := b.Briefs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	arts, err := b.Articles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 5*time.Second, "brief b1 and three dead letters", func() bool {
		st, _ := arts.Get(context.Background(), b1)
		return st.Status == news.StatusBriefed && len(dlq(t, b)) == 3
	})
	forged := news.ID("T", "forged text")
	found := false
	for _, d := range dlq(t, b) {
		if d.ID == b1 {
			t.Errorf("a dead letter names the victim %s: %+v", b1, d)
		}
		if d.ID == forged && strings.Contains(d.Reason, "does not match") {
			found = true
		}
	}
	if !found {
		t.Errorf("no dead letter of the forged brief under its own id %s: %+v", forged, dlq(t, b))
	}
	kv, err := b.JS.KeyValue(context.Background(), news.BucketBriefs)
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(context.Background(), b1)
	if err != nil {
		t.Fatal(err)
	}
	if string(e.Value()) != string(good) {
		t.Errorf("stored brief = %s\nwant the published bytes %s", e.Value(), good)
	}
	br, err := briefs.Get(context.Background(), b1)
	if err != nil || br.Body != "uno è tre" || br.Language.Code != "it" {
		t.Errorf("Get(b1) = %+v, %v", br, err)
	}
	if st, _ := arts.Get(context.Background(), b1); st.Language != "it" || st.Stage != news.StageSummarise {
		t.Errorf("status of b1 = %+v, want language it, stage summarise", st)
	}
	for _, id := range []string{"b2", "bad key!"} {
		if _, err := briefs.Get(context.Background(), id); !errors.Is(err, bus.ErrNotFound) {
			t.Errorf("brief %q stored (err %v), want none", id, err)
		}
	}
}

func TestFeedStates(t *testing.T) {
	b, _ := bustest.New(t)
	ctx := context.Background()
	fs, err := b.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	feed := "https://example.com/feed.xml?lang=it&x=1"
	if got, err := fs.Load(ctx, feed); err != nil || got != nil {
		t.Fatalf("Load of an unknown feed = %q, %v; want nil, nil", got, err)
	}
	for _, v := range []string{`{"etag":"v1"}`, `{"etag":"v2","seen":["00ff"]}`} {
		if err := fs.Save(ctx, feed, []byte(v)); err != nil {
			t.Fatal(err)
		}
		if got, err := fs.Load(ctx, feed); err != nil || string(got) != v {
			t.Fatalf("Load after Save(%s) = %q, %v", v, got, err)
		}
	}
	// Declaring again (a second gateway, a restart) keeps the state.
	fs2, err := b.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fs2.Load(ctx, feed); string(got) != `{"etag":"v2","seen":["00ff"]}` {
		t.Errorf("after redeclaring: %q", got)
	}
}
