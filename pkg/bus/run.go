package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// Spec describes one stage to Run.
type Spec[In, Out any] struct {
	// Name is the stage name: the durable consumer's name and the Msg-Id
	// suffix of everything it publishes.
	Name string
	// Stream holds the input (default news.StreamNews).
	Stream string
	// Subjects the consumer reads.
	Subjects []string
	// Func is the stage logic.
	Func stage.Func[In, Out]
	// Decode turns a message into the input (default: JSON). An error is
	// permanent: the message goes to the dead-letter stream.
	Decode func(data []byte, h nats.Header) (In, error)
	// Route returns the subject and article id for an output. An empty
	// subject means the stage has no output to publish (a sink).
	Route func(Out) (subject, id string)
	// Workers is how many messages are processed at once (default 4).
	Workers int
	// Policy bounds retries (default stage.DefaultPolicy).
	Policy stage.Policy
	// AckWait is how long the server waits for an ack before redelivering;
	// a running stage extends it with InProgress (default Config.AckWait,
	// else 30s).
	AckWait time.Duration
	// Observe, if set, is told the outcome of every settled message.
	Observe func(Outcome)
	// ID, if set, names an input by its content and checks the id the input
	// carries: it returns the content's id (news.CheckID), and an error when
	// the input claims another one. Such an input is dead-lettered under the
	// content's id without running Func, so a forged message can neither act
	// on nor mark another article. Without ID the runner names a message by
	// its Newsbrief-Id header (tests' own types).
	ID func(In) (string, error)
	// Deadline bounds one call of Func (default Config.Deadlines for the
	// stage's name, else DefaultDeadline). The call's context ends then;
	// if Func has not returned shortly after, the message is redelivered
	// (nak) and counts as a failed delivery, and whatever Func returns
	// later is dropped. Deliveries beyond Policy.MaxDeliver are
	// dead-lettered without running Func, so a stage that hangs on a
	// message ends in the DLQ.
	Deadline time.Duration
	// Slow stages (an LLM behind them) take messages only for free
	// workers: nothing waits in a prefetch buffer while its ack wait runs
	// out, to be redelivered and paid for twice. Fast stages keep two
	// messages per worker in flight.
	Slow bool
	// DrainTimeout bounds the drain on shutdown (default
	// DefaultDrainTimeout): then the calls still running are cancelled,
	// and Run returns an error if they do not end within a grace of at
	// most 5s; their messages are redelivered after AckWait.
	DrainTimeout time.Duration
	// Public marks input subjects that producers outside the pipeline may
	// publish on (news.submitted): what they send is data, never control.
	// The runner drops every Newsbrief-* and Nats-* header before decoding
	// and carrying, and names the input news.RawID(data) until the stage's
	// output names it by its content.
	Public bool
}

// Outcome is what happened to one message, for metrics and tests.
type Outcome struct {
	Stage    string
	ID       string
	Action   stage.Action
	Reason   string
	Duration time.Duration
	// Delivered counts deliveries of this message, this one included.
	Delivered int
}

// DecodeJSON is the default Decode. The articles the stages pass on go
// through package news's one-pass decoders, which equal json.Unmarshal.
func DecodeJSON[T any](data []byte, _ nats.Header) (T, error) {
	var v T
	var err error
	switch p := any(&v).(type) {
	case *news.Article:
		err = news.UnmarshalArticle(data, p)
	case *news.Extracted:
		err = news.UnmarshalExtracted(data, p)
	default:
		err = json.Unmarshal(data, &v)
	}
	return v, err
}

// Run consumes the stage's subjects until ctx is done, then drains: messages
// already received are processed and acked before Run returns, so a
// graceful shutdown redelivers nothing needlessly.
func Run[In, Out any](ctx context.Context, b *Bus, s Spec[In, Out]) error {
	if s.Stream == "" {
		s.Stream = news.StreamNews
	}
	if s.Decode == nil {
		s.Decode = DecodeJSON[In]
	}
	if s.Workers <= 0 {
		s.Workers = 4
	}
	if s.Policy.MaxDeliver == 0 {
		s.Policy = stage.DefaultPolicy
	}
	if s.AckWait == 0 {
		s.AckWait = b.cfg.AckWait
	}
	if s.AckWait == 0 {
		s.AckWait = 30 * time.Second
	}
	if s.Deadline == 0 {
		s.Deadline = b.cfg.deadline(s.Name)
	}
	if s.DrainTimeout == 0 {
		s.DrainTimeout = DefaultDrainTimeout
	}
	cons, err := b.consumer(ctx, s.Stream, s.Name, s.Subjects, s.AckWait, s.Policy.MaxDeliver)
	if err != nil {
		return err
	}
	hard, hardStop := context.WithCancel(context.Background())
	defer hardStop()
	r := &runner[In, Out]{b: b, s: s, log: b.log.With("stage", s.Name), sem: make(chan struct{}, s.Workers), hard: hard}
	r.log.Info("stage running", "subjects", s.Subjects, "workers", s.Workers, "deadline", s.Deadline.String(), "slow", s.Slow)
	var stopped <-chan struct{}
	stopPull := func() {}
	if s.Slow {
		stopped = r.fetchLoop(ctx, cons)
	} else {
		cc, err := cons.Consume(r.handle,
			jetstream.PullMaxMessages(2*s.Workers),
			// A short pull expiry bounds how long the server keeps delivering
			// into the pull request of a process that died (kill -9): until it
			// expires, redeliveries go to the dead inbox instead of the
			// restarted worker.
			jetstream.PullExpiry(pullExpiry),
			jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
				if !errors.Is(err, jetstream.ErrNoHeartbeat) {
					r.log.Warn("consume", "err", err)
				}
			}))
		if err != nil {
			return fmt.Errorf("consuming %s: %w", s.Name, err)
		}
		<-ctx.Done()
		cc.Drain()
		stopped, stopPull = cc.Closed(), cc.Stop
	}
	<-ctx.Done()
	// Drain: what was received is processed, until the drain deadline.
	drainBy := time.NewTimer(s.DrainTimeout)
	defer drainBy.Stop()
	idle := make(chan struct{})
	go func() { <-stopped; r.wg.Wait(); close(idle) }()
	select {
	case <-idle:
		r.log.Info("stage stopped")
		return nil
	case <-drainBy.C:
	}
	stopPull()
	// Hard stop: cancel the calls still running, give them a moment.
	n := r.inflight.Load()
	r.log.Warn("drain deadline reached: cancelling the calls still running", "in_flight", n, "drain_timeout", s.DrainTimeout.String())
	hardStop()
	select {
	case <-idle:
		r.log.Info("stage stopped after the hard stop")
		return nil
	case <-time.After(min(hardStopGrace, s.DrainTimeout)):
	}
	return fmt.Errorf("stage %s: %d calls still running after the drain deadline and the hard stop; their messages are redelivered after the ack wait", s.Name, r.inflight.Load())
}

// Runner defaults.
const (
	// DefaultDeadline bounds one call of a stage unless configured.
	DefaultDeadline = 5 * time.Minute
	// DefaultDrainTimeout bounds a stage's drain on shutdown.
	DefaultDrainTimeout = 30 * time.Second
	// hardStopGrace is how long cancelled calls get to return.
	hardStopGrace = 5 * time.Second
	pullExpiry    = 5 * time.Second
)

// deadline is the configured per-message deadline of stage name.
func (cfg Config) deadline(name string) time.Duration {
	if d, ok := cfg.Deadlines[name]; ok && d > 0 {
		return d
	}
	if d, ok := cfg.Deadlines[""]; ok && d > 0 {
		return d
	}
	return DefaultDeadline
}

// fetchLoop pulls messages only for free workers (Spec.Slow) until ctx is
// done; the returned channel closes when it has stopped pulling.
func (r *runner[In, Out]) fetchLoop(ctx context.Context, cons jetstream.Consumer) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			// One free worker at least, then every other free one.
			select {
			case r.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			free := 1
			for free < r.s.Workers {
				select {
				case r.sem <- struct{}{}:
					free++
					continue
				default:
				}
				break
			}
			// A short wait: it bounds how long a stop waits for an idle pull.
			batch, err := cons.Fetch(free, jetstream.FetchMaxWait(time.Second))
			got := 0
			if err == nil {
				for msg := range batch.Messages() {
					got++
					r.start(msg, startKeepAlive(msg, r.s.AckWait/3))
				}
				err = batch.Error()
			}
			for ; got < free; got++ {
				<-r.sem
			}
			if err != nil && !errors.Is(err, jetstream.ErrNoMessages) && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
				r.log.Warn("fetch", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
	return done
}

// consumer creates or updates a durable pull consumer.
func (b *Bus) consumer(ctx context.Context, stream, name string, subjects []string, ackWait time.Duration, maxDeliver int) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:       name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxAckPending: 1000,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		// Our runner dead-letters at Policy.MaxDeliver; the server limit is
		// a backstop for a process that dies on a message every time.
		MaxDeliver: maxDeliver + 2,
	}
	if len(subjects) == 1 {
		cfg.FilterSubject = subjects[0]
	} else {
		cfg.FilterSubjects = subjects
	}
	var last error
	for attempt := 0; attempt < 20; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := b.JS.CreateOrUpdateConsumer(cctx, stream, cfg)
		cancel()
		if err == nil {
			return c, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return nil, fmt.Errorf("creating consumer %s on %s: %w", name, stream, last)
}

type runner[In, Out any] struct {
	b   *Bus
	s   Spec[In, Out]
	log *slog.Logger
	sem chan struct{}
	wg  sync.WaitGroup
	// hard is cancelled at the drain deadline: the parent of every call.
	hard     context.Context
	inflight atomic.Int64
}

// handle takes a message from Consume, waiting for a free worker; the
// message is kept alive while it waits.
func (r *runner[In, Out]) handle(msg jetstream.Msg) {
	ka := startKeepAlive(msg, r.s.AckWait/3)
	r.sem <- struct{}{}
	r.start(msg, ka)
}

// start processes msg on a worker slot the caller holds. The slot is
// freed when the call ends, or when it overruns its deadline: a call that
// ignores its context no longer holds a worker (it is abandoned, and
// counted until it returns).
func (r *runner[In, Out]) start(msg jetstream.Msg, ka *keepAlive) {
	r.wg.Add(1)
	r.inflight.Add(1)
	release := sync.OnceFunc(func() { <-r.sem })
	go func() {
		defer func() { r.inflight.Add(-1); release(); r.wg.Done() }()
		r.process(msg, ka, release)
	}()
}

func (r *runner[In, Out]) process(msg jetstream.Msg, ka *keepAlive, release func()) {
	start := time.Now()
	delivered, seq := 1, uint64(0)
	if md, err := msg.Metadata(); err == nil {
		delivered, seq = int(md.NumDelivered), md.Sequence.Stream
	}
	h := msg.Headers()
	id := ""
	if r.s.Public {
		h = untrusted(h)
	} else if r.s.ID == nil {
		id = h.Get(news.HeaderID)
	}
	// The stage's own work is not cancelled by shutdown: draining lets it
	// finish, until the drain deadline (r.hard). A re-armed timer keeps the
	// server from redelivering a slow call (one timer, no goroutine per
	// message until it fires; issue #7), until the stage's deadline: then
	// the message is redelivered and this call's result dropped.
	defer ka.stop()
	ctx := r.hard
	var (
		cid string
		out Out
		err error
	)
	if delivered > r.s.Policy.MaxDeliver {
		// Earlier deliveries neither settled nor failed: the process died
		// on it or the stage overran its deadline every time.
		err = stage.Permanent(fmt.Errorf("delivered %d times without settling: the stage crashed or overran its %s deadline each time", delivered, r.s.Deadline))
	} else {
		sctx, cancelStage := stageContext(ctx, r.s.Deadline)
		ka.begin(r.s.Deadline+overrunGrace(r.s.Deadline), func() {
			_ = msg.NakWithDelay(stage.Backoff(delivered, r.s.Policy))
			r.log.Warn("stage overran its deadline: message redelivered, call abandoned", "subject", msg.Subject(), "seq", seq, "delivered", delivered, "deadline", r.s.Deadline.String())
			release()
		})
		cid, out, err = r.call(sctx, msg.Data(), h, id)
		cancelStage()
		if !ka.settle() {
			// Too late: the message was redelivered at the deadline.
			reason := fmt.Sprintf("stage overran its %s deadline; redelivered", r.s.Deadline)
			r.log.Warn("settled", "id", firstNonEmpty(cid, id), "subject", msg.Subject(), "seq", seq, "delivered", delivered, "outcome", stage.Retry.String(), "reason", reason)
			if r.s.Observe != nil {
				r.s.Observe(Outcome{Stage: r.s.Name, ID: firstNonEmpty(cid, id), Action: stage.Retry, Reason: reason, Duration: time.Since(start), Delivered: delivered})
			}
			return
		}
		if err != nil && context.Cause(sctx) == context.DeadlineExceeded && ctx.Err() == nil {
			err = fmt.Errorf("stage overran its %s deadline: %w", r.s.Deadline, err)
		}
	}
	if cid != "" {
		id = cid
	}
	if id == "" {
		id = news.RawID(msg.Data())
	}
	d := stage.Decide(err, delivered, r.s.Policy)
	var outID string
	if d.Action == stage.Publish {
		var subj string
		if r.s.Route != nil {
			subj, outID = r.s.Route(out)
		}
		if outID != "" {
			id = outID
		}
		if subj == "" {
			d.Action = stage.Ack
		} else if perr := r.publish(ctx, subj, id, out, h); perr != nil {
			d = stage.Decide(fmt.Errorf("publishing output: %w", perr), delivered, r.s.Policy)
		}
	}
	d = r.settle(ctx, msg, h, id, seq, delivered, d)
	lvl := slog.LevelDebug
	switch d.Action {
	case stage.Retry, stage.RejectIt:
		lvl = slog.LevelInfo
	case stage.DeadLetter:
		lvl = slog.LevelWarn
	}
	// Most settles log at debug: skip building the record when it is off.
	if r.log.Enabled(context.Background(), lvl) {
		r.log.Log(context.Background(), lvl, "settled", "id", id, "subject", msg.Subject(), "seq", seq,
			"delivered", delivered, "outcome", d.Action.String(), "reason", d.Reason, "ms", time.Since(start).Milliseconds(),
			"trace_id", traceID(h))
	}
	if r.s.Observe != nil {
		r.s.Observe(Outcome{Stage: r.s.Name, ID: id, Action: d.Action, Reason: d.Reason, Duration: time.Since(start), Delivered: delivered})
	}
}

// call decodes the message, checks its id and generation, and runs the
// stage, turning a panic into a permanent error. id is the input's name
// when the content gives one (Spec.ID); claimed is the header's, if the
// runner trusts it.
func (r *runner[In, Out]) call(ctx context.Context, data []byte, h nats.Header, claimed string) (id string, out Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = stage.Permanent(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	in, err := r.s.Decode(data, h)
	if err != nil {
		return "", out, stage.Permanent(fmt.Errorf("decoding message: %w", err))
	}
	if r.s.ID != nil {
		var ierr error
		if id, ierr = r.s.ID(in); ierr != nil {
			return id, out, stage.Permanent(ierr)
		}
	}
	// A generation is honoured only on the pipeline's own stream, and only
	// as reprocess issued it (see Generations): on the DLQ it is history.
	if g := h.Get(news.HeaderGeneration); g != "" && r.s.Stream == news.StreamNews {
		gid := id
		if gid == "" {
			gid = claimed
		}
		if err := r.b.checkGeneration(ctx, gid, g); err != nil {
			return id, out, err
		}
	}
	out, err = r.s.Func(ctx, in)
	return id, out, err
}

// untrusted returns a copy of h without the headers the pipeline acts on:
// every Newsbrief-* header (ids, stages, generations, reasons) and every
// Nats-* one, in any spelling. What is left (Content-Type, trace context)
// is data.
func untrusted(h nats.Header) nats.Header {
	out := nats.Header{}
	for k, v := range h {
		if hasPrefixFold(k, "Newsbrief-") || hasPrefixFold(k, "Nats-") {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// keepAlive tells the server a message is still being worked on, every
// period until stopped, and at most until a deadline set by begin: then it
// calls expire once and stops extending.
type keepAlive struct {
	mu       sync.Mutex
	t        *time.Timer
	msg      jetstream.Msg
	every    time.Duration
	deadline time.Time
	expire   func()
	expired  bool
	stopped  bool
}

func startKeepAlive(msg jetstream.Msg, every time.Duration) *keepAlive {
	k := &keepAlive{msg: msg, every: every}
	k.mu.Lock()
	k.t = time.AfterFunc(every, k.fire)
	k.mu.Unlock()
	return k
}

// begin starts the call's deadline: after d, expire runs once.
func (k *keepAlive) begin(d time.Duration, expire func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.deadline, k.expire = time.Now().Add(d), expire
	k.t.Reset(min(k.every, d))
}

// settle ends the deadline (heartbeats go on while the output is
// published) and reports whether the call ended in time.
func (k *keepAlive) settle() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.deadline, k.expire = time.Time{}, nil
	return !k.expired
}

func (k *keepAlive) fire() {
	k.mu.Lock()
	if k.stopped || k.expired {
		k.mu.Unlock()
		return
	}
	next := k.every
	if !k.deadline.IsZero() {
		left := time.Until(k.deadline)
		if left <= 0 {
			k.expired = true
			expire := k.expire
			k.mu.Unlock()
			if expire != nil {
				expire()
			}
			return
		}
		next = min(next, left)
	}
	_ = k.msg.InProgress()
	k.t.Reset(next)
	k.mu.Unlock()
}

func (k *keepAlive) stop() {
	k.mu.Lock()
	k.stopped = true
	k.t.Stop()
	k.mu.Unlock()
}

// overrunGrace is how long after its deadline a call may still return
// and be settled as usual (a stage that honours its context returns at
// once); after it the message is redelivered.
func overrunGrace(d time.Duration) time.Duration {
	return min(d/10+100*time.Millisecond, 5*time.Second)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (r *runner[In, Out]) publish(ctx context.Context, subj, id string, v any, in nats.Header) error {
	data, err := json.Marshal(v)
	if err != nil {
		return stage.Permanent(fmt.Errorf("encoding output: %w", err))
	}
	h := carry(in)
	// An output the server cannot take will not fit on any retry either:
	// give up at once instead of re-running the stage MaxDeliver times.
	if limit := r.b.maxPayload(); len(data)+headerSize(h)+headerSlack > limit {
		return stage.Permanent(fmt.Errorf("output of %d bytes is over the %d-byte message limit", len(data), limit))
	}
	return r.b.publish(ctx, subj, id, r.s.Name, data, h)
}

// headerSlack covers the headers publish adds (id, stage, Msg-Id) and
// their encoding.
const headerSlack = 1 << 10

// maxPayload is the largest message the server and the streams take.
func (b *Bus) maxPayload() int {
	limit := int(b.cfg.MaxMsgSize)
	if mp := int(b.NC.MaxPayload()); mp > 0 && (limit <= 0 || mp < limit) {
		limit = mp
	}
	return limit
}

// headerSize is about what h takes on the wire.
func headerSize(h nats.Header) int {
	n := 12 // NATS/1.0 line and the blank line
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// settle acts on the decision. Output (or rejection, or dead letter) is
// always published before the input is acked or terminated.
// It returns what was done: a rejection or dead letter that could not be
// published is a retry (the metrics and logs must not count it as done).
func (r *runner[In, Out]) settle(ctx context.Context, msg jetstream.Msg, h nats.Header, id string, seq uint64, delivered int, d stage.Decision) stage.Decision {
	var err error
	notPublished := func(what string, perr error) {
		delay := stage.Backoff(delivered, r.s.Policy)
		_ = msg.NakWithDelay(delay)
		d = stage.Decision{Action: stage.Retry, Delay: delay, Reason: fmt.Sprintf("%s not published (%v): %s", what, perr, d.Reason)}
	}
	switch d.Action {
	case stage.Publish, stage.Ack:
		err = msg.Ack()
	case stage.RejectIt:
		rej := news.Rejection{ID: id, Stage: r.s.Name, Reason: d.Reason, At: time.Now().UTC()}
		data, _ := json.Marshal(rej)
		if perr := r.b.publish(ctx, news.Subject(news.SubjectRejected, r.s.Name), id, r.s.Name+".rejected", data, carry(h)); perr != nil {
			notPublished("rejection", perr)
			break
		}
		err = msg.Ack()
	case stage.DeadLetter:
		if perr := r.b.deadLetter(ctx, r.s.Name, id, seq, delivered, d.Reason, msg, h); perr != nil {
			notPublished("dead letter", perr)
			break
		}
		err = msg.TermWithReason(truncate(d.Reason, 200))
	case stage.Retry:
		err = msg.NakWithDelay(d.Delay)
	}
	if err != nil {
		r.log.Warn("settling message", "id", id, "action", d.Action.String(), "err", err)
	}
	return d
}

// publish sends data with Msg-Id "<id>.<suffix>" so a redelivered input
// republishes into the duplicate window as a no-op.
func (b *Bus) publish(ctx context.Context, subj, id, suffix string, data []byte, h nats.Header) error {
	if h == nil {
		h = nats.Header{}
	}
	h.Set(news.HeaderID, id)
	h.Set(news.HeaderStage, suffix)
	msgID := id + "." + suffix
	if g := h.Get(news.HeaderGeneration); g != "" {
		msgID += "." + g
	}
	msg := &nats.Msg{Subject: subj, Data: data, Header: h}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ack, err := b.JS.PublishMsg(pctx, msg, jetstream.WithMsgID(msgID))
	if err != nil || !ack.Duplicate {
		return err
	}
	// The stream's duplicate window is shared by all of news.>, and anyone
	// who may publish on news.submitted can set a Nats-Msg-Id there: a
	// message that took our Msg-Id on another subject would silently drop
	// the article. A duplicate counts only if the message it duplicates is
	// on our subject (which only our credential may publish on); otherwise
	// publish once more under a Msg-Id that names the squatter, which is
	// just as deterministic for a redelivery.
	owned, err := b.publishedOn(pctx, ack.Stream, ack.Sequence, subj)
	if err != nil || owned {
		return err
	}
	squatter := ack.Sequence
	ack, err = b.JS.PublishMsg(pctx, msg, jetstream.WithMsgID(msgID+".after."+strconv.FormatUint(squatter, 10)))
	if err != nil || !ack.Duplicate {
		return err
	}
	if owned, err = b.publishedOn(pctx, ack.Stream, ack.Sequence, subj); err != nil || owned {
		return err
	}
	return stage.Permanent(fmt.Errorf("Msg-Id %s and its fallback are taken by messages on other subjects (forged Nats-Msg-Id, seq %d and %d)", msgID, squatter, ack.Sequence))
}

// publishedOn reports whether message seq of stream is on subject subj.
func (b *Bus) publishedOn(ctx context.Context, stream string, seq uint64, subj string) (bool, error) {
	st, err := b.JS.Stream(ctx, stream)
	if err != nil {
		return false, fmt.Errorf("checking a duplicate: %w", err)
	}
	m, err := st.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		// Gone (age limit): nothing of ours to keep; treat as ours rather
		// than publish again outside the window's protection.
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking a duplicate: %w", err)
	}
	return m.Subject == subj, nil
}

// deadLetter copies the original message to dlq.<stage> with the reason.
// A copy that would not fit in a message (an input near the limit plus the
// reason headers) is published truncated: the first DeadLetterKeep bytes,
// with the original size in Newsbrief-Size, so an article never stays
// "pending" because its dead letter could not be written. If the whole
// copy is refused for any other reason, the truncated one is tried too.
func (b *Bus) deadLetter(ctx context.Context, stageName, id string, seq uint64, delivered int, reason string, msg jetstream.Msg, in nats.Header) error {
	h := carry(in)
	// Header values cannot hold newlines (they would turn into spaces), and
	// the first line is what readers of the article's status see: a panic's
	// stack goes to a detail header, escaped, for operators only.
	h.Set(news.HeaderReason, truncate(firstLine(reason), 1000))
	if firstLine(reason) != reason {
		h.Set(HeaderDetail, truncate(strings.ReplaceAll(reason, "\n", `\n`), 8000))
	}
	h.Set(news.HeaderFailedSubject, msg.Subject())
	h.Set(news.HeaderDeliveries, strconv.Itoa(delivered))
	h.Set(news.HeaderFailedAt, time.Now().UTC().Format(time.RFC3339Nano))
	h.Set(news.HeaderID, id)
	h.Set(news.HeaderStage, stageName)
	data := msg.Data()
	msgID := fmt.Sprintf("%s.%s.dlq.%d", id, stageName, seq)
	pub := func(data []byte, h nats.Header) error {
		dl := &nats.Msg{Subject: news.Subject(news.SubjectDLQ, stageName), Data: data, Header: h}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := b.JS.PublishMsg(pctx, dl, jetstream.WithMsgID(msgID))
		return err
	}
	if len(data)+headerSize(h)+headerSlack <= b.maxPayload() {
		err := pub(data, h)
		if err == nil || len(data) <= DeadLetterKeep {
			return err
		}
		b.log.Warn("dead letter refused whole; publishing it truncated", "id", id, "stage", stageName, "size", len(data), "err", err)
	}
	return pub(truncatedLetter(data, h))
}

// DeadLetterKeep is how much of an input a truncated dead letter keeps.
const DeadLetterKeep = 64 << 10

// HeaderSize on a truncated dead letter is the size of the original input.
const HeaderSize = "Newsbrief-Size"

// truncatedLetter keeps the first DeadLetterKeep bytes of data and makes
// the headers small enough to fit beside them whatever came in.
func truncatedLetter(data []byte, in nats.Header) ([]byte, nats.Header) {
	h := nats.Header{}
	for _, k := range []string{news.HeaderID, news.HeaderStage, news.HeaderReason, news.HeaderFailedSubject, news.HeaderDeliveries, news.HeaderFailedAt, news.HeaderGeneration, "Traceparent", "traceparent"} {
		if v := in.Get(k); v != "" {
			h.Set(k, truncate(v, 1000))
		}
	}
	if d := in.Get(HeaderDetail); d != "" {
		h.Set(HeaderDetail, truncate(d, 4000))
	}
	h.Set(HeaderSize, strconv.Itoa(len(data)))
	return data[:min(len(data), DeadLetterKeep)], h
}

// HeaderDetail holds the full reason of a dead letter (a panic's stack,
// newlines escaped as \n) when it is longer than the first line.
const HeaderDetail = "Newsbrief-Detail"

// carry copies the headers that travel with an article through the stages
// (trace context and the like), leaving out NATS's own.
func carry(in nats.Header) nats.Header {
	out := nats.Header{}
	for k, v := range in {
		switch k {
		case nats.MsgIdHdr, news.HeaderStage, news.HeaderReason, news.HeaderFailedSubject, news.HeaderDeliveries, news.HeaderFailedAt, HeaderDetail, HeaderSize:
			continue
		}
		if len(k) > 4 && k[:4] == "Nats" {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// traceID returns the trace id of a W3C traceparent header, looked up
// case-insensitively (publishers differ in how they spell it).
func traceID(h nats.Header) string {
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, "traceparent") {
			// version-traceid-spanid-flags
			if parts := strings.Split(v[0], "-"); len(parts) == 4 && len(parts[1]) == 32 {
				return parts[1]
			}
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// stageContext ends after d, as context.WithTimeout does, but carries no
// deadline, so the JetStream requests a stage makes (the recorder's and
// the cluster's KV reads and writes) keep the client's own timeout of
// seconds instead of inheriting the stage's minutes: a request whose reply
// was lost with a NATS server that died would otherwise hold its message
// for the whole stage deadline (seen in TestNATSRestart under load). Its
// cause is context.DeadlineExceeded once d has passed.
func stageContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancelCause(ctx)
	t := time.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	return c, func() { t.Stop(); cancel(context.Canceled) }
}
