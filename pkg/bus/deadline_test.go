package bus_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// The runner's clocks (issue #13 item 13): a call has a deadline, a drain
// has one, and a slow stage holds no message it cannot start.

func runSpec(t *testing.T, b *bus.Bus, s bus.Spec[item, item]) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	s.Subjects = []string{inSubj}
	s.Route = func(o item) (string, string) { return outSubj, o.ID }
	go func() { done <- bus.Run(ctx, b, s) }()
	bustest.Eventually(t, 10*time.Second, "consumer "+s.Name, func() bool {
		_, err := b.JS.Consumer(context.Background(), news.StreamNews, s.Name)
		return err == nil
	})
	var err error
	stopped := false
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			err = <-done
		}
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// A call that ignores its context and never returns is redelivered at its
// deadline, does not hold a worker, and after MaxDeliver deliveries the
// message is dead-lettered without running the stage again.
func TestRunDeadlineEndsHungStage(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	outcomes := make(chan bus.Outcome, 64)
	stop := runSpec(t, b, bus.Spec[item, item]{
		Name: "hang", Policy: fastPolicy, Workers: 2, Deadline: 150 * time.Millisecond, DrainTimeout: 300 * time.Millisecond,
		Observe: func(o bus.Outcome) { outcomes <- o },
		Func: func(_ context.Context, in item) (item, error) {
			calls.Add(1)
			<-block // ignores its context
			return in, nil
		},
	})
	send(t, b, item{ID: "hung"}, "")
	var last bus.Outcome
	for last.Action != stage.DeadLetter {
		select {
		case last = <-outcomes:
		case <-time.After(30 * time.Second):
			t.Fatalf("no dead letter for the hung stage; last outcome %+v, %d calls", last, calls.Load())
		}
	}
	if last.Delivered != fastPolicy.MaxDeliver+1 || !strings.Contains(last.Reason, "without settling") {
		t.Errorf("dead letter at delivery %d: %q, want delivery %d", last.Delivered, last.Reason, fastPolicy.MaxDeliver+1)
	}
	if n := calls.Load(); n != int32(fastPolicy.MaxDeliver) {
		t.Errorf("stage called %d times, want %d (each delivery once; none after)", n, fastPolicy.MaxDeliver)
	}
	if dls := dlq(t, b); len(dls) != 1 || dls[0].ID != "hung" {
		t.Errorf("dead letters = %+v", dls)
	}
	// The abandoned calls are still blocked: the drain stops at its
	// deadline and says so.
	began := time.Now()
	if err := stop(); err == nil || !strings.Contains(err.Error(), "still running") {
		t.Errorf("Run after a drain with hung calls: %v, want an error", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("stop took %s: the drain deadline did not hold", d)
	}
}

// A call that honours its context is retried at its deadline and
// dead-lettered when the retries run out, with the deadline as reason.
func TestRunDeadlineCancelsCall(t *testing.T) {
	b, _ := bustest.New(t)
	outcomes := make(chan bus.Outcome, 64)
	stop := runSpec(t, b, bus.Spec[item, item]{
		Name: "slowpoke", Policy: fastPolicy, Workers: 2, Deadline: 100 * time.Millisecond,
		Observe: func(o bus.Outcome) { outcomes <- o },
		Func: func(ctx context.Context, in item) (item, error) {
			<-ctx.Done()
			return in, ctx.Err()
		},
	})
	send(t, b, item{ID: "late"}, "")
	var last bus.Outcome
	for last.Action != stage.DeadLetter {
		select {
		case last = <-outcomes:
		case <-time.After(30 * time.Second):
			t.Fatalf("no dead letter; last outcome %+v", last)
		}
	}
	if last.Delivered != fastPolicy.MaxDeliver || !strings.Contains(last.Reason, "overran its 100ms deadline") {
		t.Errorf("dead letter at delivery %d: %q", last.Delivered, last.Reason)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// On shutdown a call still running at the drain deadline is cancelled, so
// Run returns by then instead of waiting for it.
func TestRunDrainDeadline(t *testing.T) {
	b, _ := bustest.New(t)
	started := make(chan struct{}, 1)
	stop := runSpec(t, b, bus.Spec[item, item]{
		Name: "drainer", Policy: fastPolicy, Workers: 1, Deadline: time.Hour, DrainTimeout: 200 * time.Millisecond,
		Func: func(ctx context.Context, in item) (item, error) {
			started <- struct{}{}
			<-ctx.Done()
			return in, ctx.Err()
		},
	})
	send(t, b, item{ID: "long"}, "")
	<-started
	began := time.Now()
	if err := stop(); err != nil {
		t.Errorf("Run: %v, want a clean stop after the hard stop", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("Run took %s to stop with a 200ms drain deadline", d)
	}
}

// A slow stage pulls only for free workers: with one worker and calls
// longer than the ack wait, no message waits in a buffer long enough to
// be redelivered (each delivered once, the stage called once per message).
func TestRunSlowStageHoldsNothingItCannotStart(t *testing.T) {
	b, _ := bustest.New(t)
	var calls atomic.Int32
	outcomes := make(chan bus.Outcome, 16)
	runSpec(t, b, bus.Spec[item, item]{
		Name: "llm", Policy: fastPolicy, Workers: 1, Slow: true, AckWait: 2 * time.Second,
		Observe: func(o bus.Outcome) { outcomes <- o },
		Func: func(_ context.Context, in item) (item, error) {
			calls.Add(1)
			time.Sleep(2300 * time.Millisecond) // longer than the ack wait
			return in, nil
		},
	})
	for i := range 3 {
		data, _ := json.Marshal(item{ID: "q" + string(rune('a'+i))})
		if _, err := b.JS.PublishMsg(context.Background(), &nats.Msg{Subject: inSubj, Data: data, Header: nats.Header{news.HeaderID: []string{"q" + string(rune('a'+i))}}}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		select {
		case o := <-outcomes:
			if o.Delivered != 1 || o.Action != stage.Publish {
				t.Errorf("%s: %v at delivery %d, want published at the first", o.ID, o.Action, o.Delivered)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("not all settled")
		}
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("stage called %d times for 3 messages", n)
	}
}
