package bus_test

import (
	"context"
	"errors"
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

// Accepted, then lost (issue #13 item 5): whatever a stage does with a big
// message, it ends as output or as a dead letter, never as a message the
// server refuses over and over.

const smallLimit = 256 << 10

type padded struct {
	ID  string `json:"id"`
	Pad string `json:"pad"`
}

// smallBus is a server and a bus whose messages are at most smallLimit.
func smallBus(t *testing.T) *bus.Bus {
	t.Helper()
	s, err := bus.StartServer(bus.ServerConfig{Addr: "127.0.0.1:0", StoreDir: t.TempDir(), MaxPayload: smallLimit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), MaxMsgSize: smallLimit}, bustest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func runPadded(t *testing.T, b *bus.Bus, name string, fn stage.Func[padded, padded], outcomes chan<- bus.Outcome) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- bus.Run(ctx, b, bus.Spec[padded, padded]{
			Name: name, Subjects: []string{inSubj}, Func: fn, Policy: fastPolicy, Workers: 2,
			Observe: func(o bus.Outcome) { outcomes <- o },
			Route:   func(o padded) (string, string) { return outSubj, o.ID },
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func sendPadded(t *testing.T, b *bus.Bus, p padded) {
	t.Helper()
	data := []byte(`{"id":"` + p.ID + `","pad":"` + p.Pad + `"}`)
	msg := &nats.Msg{Subject: inSubj, Data: data, Header: nats.Header{news.HeaderID: []string{p.ID}}}
	if _, err := b.JS.PublishMsg(context.Background(), msg); err != nil {
		t.Fatalf("publishing %s: %v", p.ID, err)
	}
}

func waitOutcome(t *testing.T, c <-chan bus.Outcome) bus.Outcome {
	t.Helper()
	select {
	case o := <-c:
		return o
	case <-time.After(30 * time.Second):
		t.Fatal("no outcome within 30s")
	}
	return bus.Outcome{}
}

// An output over the message limit is a permanent failure: one call, one
// dead letter, no retries.
func TestRunOutputOverLimitIsPermanent(t *testing.T) {
	b := smallBus(t)
	var calls atomic.Int32
	outcomes := make(chan bus.Outcome, 16)
	runPadded(t, b, "inflate", func(_ context.Context, in padded) (padded, error) {
		calls.Add(1)
		return padded{ID: in.ID, Pad: strings.Repeat("x", smallLimit+1)}, nil
	}, outcomes)
	sendPadded(t, b, padded{ID: "big-out", Pad: "small"})
	o := waitOutcome(t, outcomes)
	if o.Action != stage.DeadLetter || o.Delivered != 1 || !strings.Contains(o.Reason, "message limit") {
		t.Errorf("outcome = %v after %d deliveries (%q), want a dead letter at the first", o.Action, o.Delivered, o.Reason)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("stage called %d times, want 1", n)
	}
	if dls := dlq(t, b); len(dls) != 1 || dls[0].ID != "big-out" || dls[0].Truncated {
		t.Errorf("dead letters = %+v, want one whole dead letter of big-out", dls)
	}
}

// A dead letter whose copy would not fit (an input near the limit plus the
// reason headers) is published truncated, with the original size; it is
// listed and cannot be retried.
func TestDeadLetterTruncatedWhenTooBig(t *testing.T) {
	b := smallBus(t)
	outcomes := make(chan bus.Outcome, 16)
	runPadded(t, b, "refuse", func(_ context.Context, in padded) (padded, error) {
		return padded{}, stage.Permanent(errors.New("cannot use this\n" + strings.Repeat("stack line\n", 2000)))
	}, outcomes)
	pad := strings.Repeat("y", smallLimit-200)
	sendPadded(t, b, padded{ID: "big-in", Pad: pad})
	if o := waitOutcome(t, outcomes); o.Action != stage.DeadLetter || o.Delivered != 1 {
		t.Errorf("outcome = %v after %d deliveries, want a dead letter at the first", o.Action, o.Delivered)
	}
	var dls []bus.DeadLetter
	bustest.Eventually(t, 10*time.Second, "a dead letter", func() bool { dls = dlq(t, b); return len(dls) == 1 })
	d := dls[0]
	want := len(`{"id":"big-in","pad":""}`) + len(pad)
	if d.ID != "big-in" || !d.Truncated || d.Size != want || d.Reason != "permanent: cannot use this" || !strings.HasPrefix(d.Detail, "permanent: cannot use this\nstack line") {
		t.Errorf("dead letter = %+v (detail %.40q), want big-in truncated from %d bytes with its reason", d, d.Detail, want)
	}
	if _, err := b.RetryDeadLetter(context.Background(), d.Seq); err == nil || !strings.Contains(err.Error(), "cannot be retried") {
		t.Errorf("retrying a truncated dead letter: %v, want a refusal", err)
	}
	// Nothing is left for the consumer: the input was terminated.
	c, err := b.JS.Consumer(context.Background(), news.StreamNews, "refuse")
	if err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the input terminated", func() bool {
		info, err := c.Info(context.Background())
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0
	})
}

// A dead letter that cannot be published at all (the DLQ stream is gone)
// is not counted as one: the outcome is a retry, and once the stream is
// back the next delivery dead-letters it.
func TestDeadLetterNotPublishedIsARetry(t *testing.T) {
	b := smallBus(t)
	ctx := context.Background()
	if err := b.JS.DeleteStream(ctx, news.StreamDLQ); err != nil {
		t.Fatal(err)
	}
	outcomes := make(chan bus.Outcome, 16)
	runPadded(t, b, "nodlq", func(_ context.Context, in padded) (padded, error) {
		return padded{}, stage.Permanent(errors.New("broken"))
	}, outcomes)
	sendPadded(t, b, padded{ID: "x1", Pad: "p"})
	o := waitOutcome(t, outcomes)
	if o.Action != stage.Retry || !strings.Contains(o.Reason, "dead letter not published") {
		t.Fatalf("outcome with no DLQ stream: %v %q, want a retry", o.Action, o.Reason)
	}
	if _, err := b.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	for o.Action != stage.DeadLetter {
		o = waitOutcome(t, outcomes)
	}
	if dls := dlq(t, b); len(dls) != 1 || dls[0].ID != "x1" {
		t.Errorf("dead letters after the stream is back: %+v", dls)
	}
}
