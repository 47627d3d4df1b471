// Package bench measures how fast and how lean newsbrief is: it pushes N
// articles through the whole pipeline on an embedded NATS server (started
// in-process the way `newsbrief serve` starts it), or through the same
// stage functions in-process, and reports throughput, latency per stage and
// end to end, and peak memory. `newsbrief bench` is its command line; the
// figures and how they were obtained are in docs/performance.md.
//
// It is wiring, not logic: it uses package bus and service like the server
// does, and never imports nats.go.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// ErrIncomplete is returned when not every article was settled before the
// timeout.
var ErrIncomplete = errors.New("bench: not every article was briefed in time")

// Options say what to measure.
type Options struct {
	// Submissions are the articles, as news.submitted JSON (see Variants).
	Submissions Source
	// Config is the service configuration (workers, languages, engines).
	Config service.Config
	// Getenv is passed to Build (LLM settings).
	Getenv func(string) string
	// Build makes the pipeline's engines, as `newsbrief serve` does.
	Build func(c service.Config, getenv func(string) string, log *slog.Logger) (*pipeline.Pipeline, error)
	// Rate, if > 0, submits open loop at this many articles per second;
	// 0 submits as fast as the submitters can (closed loop).
	Rate float64
	// Submitters is how many goroutines submit (default 4).
	Submitters int
	// InFlight, if > 0, bounds the closed loop: a submitter waits while
	// this many articles are submitted and not yet settled (briefed,
	// rejected or failed). 0 queues every article at once.
	InFlight int
	// Timeout bounds the whole run (default 5 minutes).
	Timeout time.Duration
	// Log receives the pipeline's logs (default: discarded).
	Log *slog.Logger
}

// Result is one run's figures.
type Result struct {
	Mode     string // "nats" or "inproc"
	Articles int    // submitted
	Briefed  int
	Failed   int // rejected or dead-lettered
	Elapsed  time.Duration
	// CPU is the process's user+system CPU time over Elapsed (server,
	// stages, submitters and the watch alike).
	CPU       time.Duration
	EndToEnd  Dist
	Stages    map[string]Dist
	Submit    Dist // time to prepare, claim and publish one article
	IdleRSS   int64
	PeakRSS   int64 // VmHWM, bytes
	LoadAvg   string
	Workers   int
	GoMaxProc int
}

// Throughput is briefed articles per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Briefed) / r.Elapsed.Seconds()
}

// CPUPerArticle is CPU time per briefed article.
func (r Result) CPUPerArticle() time.Duration {
	if r.Briefed == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Briefed)
}

// Dist summarises durations.
type Dist struct {
	N                  int
	P50, P95, P99, Max time.Duration
	Mean               time.Duration
}

// Summarise computes a Dist (d is sorted in place).
func Summarise(d []time.Duration) Dist {
	if len(d) == 0 {
		return Dist{}
	}
	slices.Sort(d)
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	q := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return Dist{N: len(d), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: d[len(d)-1], Mean: sum / time.Duration(len(d))}
}

func (d Dist) String() string {
	return fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s mean=%s", d.N, ms(d.P50), ms(d.P95), ms(d.P99), ms(d.Max), ms(d.Mean))
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms" }

type durations struct {
	mu sync.Mutex
	m  map[string][]time.Duration
}

func (d *durations) add(name string, x time.Duration) {
	d.mu.Lock()
	if d.m == nil {
		d.m = map[string][]time.Duration{}
	}
	d.m[name] = append(d.m[name], x)
	d.mu.Unlock()
}

func (d *durations) dists() map[string]Dist {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]Dist{}
	for k, v := range d.m {
		out[k] = Summarise(v)
	}
	return out
}

func (o *Options) defaults() error {
	if o.Submissions == nil || o.Submissions.Len() == 0 {
		return fmt.Errorf("%w to submit", ErrNoArticles)
	}
	if o.Build == nil {
		return errors.New("bench: Options.Build is required")
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Submitters <= 0 {
		o.Submitters = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Config.Workers <= 0 {
		o.Config.Workers = 4
	}
	return nil
}

// RunNATS starts an embedded NATS server with its store in a temporary
// directory, runs every stage and the recorder on it as `newsbrief serve`
// does, submits the articles the way the gateway does (prepare, claim,
// publish the prepared article on news.ingested) and waits until every brief is stored in the
// briefs bucket (or the article was rejected or dead-lettered).
func RunNATS(ctx context.Context, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "newsbrief-bench-*")
	if err != nil {
		return Result{}, fmt.Errorf("creating the store directory: %w", err)
	}
	defer os.RemoveAll(dir)
	srv, err := bus.StartServer(bus.ServerConfig{Addr: "127.0.0.1:0", StoreDir: dir})
	if err != nil {
		return Result{}, err
	}
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	c := o.Config
	c.NATSURL = srv.ClientURL()
	p, err := o.Build(c, o.Getenv, o.Log)
	if err != nil {
		return Result{}, err
	}
	b, err := service.Connect(ctx, c, "bench", o.Log)
	if err != nil {
		return Result{}, err
	}
	defer b.Close()
	be, err := service.NewBackend(ctx, b, p)
	if err != nil {
		return Result{}, err
	}
	p.Claimer = be.Arts

	n := o.Submissions.Len()
	res := Result{Mode: "nats", Articles: n, Workers: c.Workers, GoMaxProc: runtime.GOMAXPROCS(0)}
	runtime.GC()
	res.IdleRSS = ReadStatus("VmRSS")

	var (
		mu        sync.Mutex
		submitted = make(map[string]time.Time, n)
		settled   = make(map[string]bool, n)
		e2e       = make([]time.Duration, 0, n)
		stages    durations
		subDur    durations
		done      = make(chan struct{})
		closeOnce sync.Once
		failed    atomic.Int64
	)
	// window holds a token per article in flight (closed loop, InFlight > 0).
	var window chan struct{}
	if o.InFlight > 0 && o.Rate <= 0 {
		window = make(chan struct{}, o.InFlight)
	}
	acquire := func() {
		if window != nil {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
			}
		}
	}
	release := func() {
		if window != nil {
			select {
			case <-window:
			default:
			}
		}
	}
	finish := func(id string, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		t, known := submitted[id]
		if !known || settled[id] {
			return
		}
		settled[id] = true
		release()
		if ok {
			e2e = append(e2e, time.Since(t))
		} else {
			failed.Add(1)
		}
		if len(settled) == n {
			closeOnce.Do(func() { close(done) })
		}
	}
	observe := func(oc bus.Outcome) {
		stages.add(oc.Stage, oc.Duration)
		if oc.Action == stage.RejectIt || oc.Action == stage.DeadLetter {
			finish(oc.ID, false)
		}
	}

	sctx, stopStages := context.WithCancel(context.WithoutCancel(ctx))
	stagesDone := make(chan error, 1)
	go func() {
		stagesDone <- service.RunStages(sctx, b, p, service.Stages, c.Workers, true, observe)
	}()
	defer func() {
		stopStages()
		<-stagesDone
	}()
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watchErr := make(chan error, 1)
	go func() {
		// Ids only: decoding every brief would be the bench's cost, not the pipeline's.
		watchErr <- be.Briefs.WatchIDs(wctx, func(id string, live bool) { finish(id, true) })
	}()

	submit := func(data []byte) {
		acquire()
		t0 := time.Now()
		a, err := be.Prepare(ctx, pipeline.Raw{Data: data, ContentType: "application/json"})
		if err != nil {
			o.Log.Warn("bench: preparing", "err", err)
			failed.Add(1)
			release()
			return
		}
		mu.Lock()
		_, dup := submitted[a.ID]
		if !dup {
			submitted[a.ID] = t0
		}
		mu.Unlock()
		if dup {
			release() // settles once, under its first submission
		}
		if _, _, err := be.Claim(ctx, a.ID); err != nil {
			o.Log.Warn("bench: claiming", "err", err)
			finish(a.ID, false)
			return
		}
		if err := be.Submit(ctx, a); err != nil {
			o.Log.Warn("bench: submitting", "err", err)
			finish(a.ID, false)
			return
		}
		subDur.add("submit", time.Since(t0))
	}

	start, cpu0 := time.Now(), CPUTime()
	feed(ctx, o.Submissions, o.Rate, o.Submitters, submit)
	select {
	case <-done:
	case err := <-watchErr:
		return res, fmt.Errorf("watching briefs: %w", err)
	case <-ctx.Done():
	}
	res.Elapsed, res.CPU = time.Since(start), CPUTime()-cpu0
	res.PeakRSS = ReadStatus("VmHWM")
	res.LoadAvg = LoadAvg()
	mu.Lock()
	res.EndToEnd = Summarise(e2e)
	res.Briefed = len(e2e)
	mu.Unlock()
	res.Failed = int(failed.Load())
	res.Stages = stages.dists()
	res.Submit = subDur.dists()["submit"]
	if res.Briefed+res.Failed < n {
		return res, fmt.Errorf("%w: %d of %d settled after %s", ErrIncomplete, res.Briefed+res.Failed, n, res.Elapsed.Round(time.Millisecond))
	}
	return res, nil
}

// feed calls submit for every item: closed loop on `workers` goroutines,
// or open loop at rate per second (each submission on its own goroutine,
// at most 256 at once).
func feed(ctx context.Context, items Source, rate float64, workers int, submit func([]byte)) {
	var wg sync.WaitGroup
	if rate <= 0 {
		ch := make(chan []byte)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range ch {
					submit(d)
				}
			}()
		}
		for i := range items.Len() {
			select {
			case ch <- items.At(i):
			case <-ctx.Done():
			}
		}
		close(ch)
		wg.Wait()
		return
	}
	sem := make(chan struct{}, 256)
	start := time.Now()
	interval := time.Duration(float64(time.Second) / rate)
	for i := range items.Len() {
		d := items.At(i)
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				wg.Wait()
				return
			}
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			submit(d)
		}()
	}
	wg.Wait()
}

// RunInProc runs the same stage functions with no NATS (the work of
// pipeline.Process, stage by stage so each is timed) on
// max(workers, GOMAXPROCS) goroutines.
func RunInProc(ctx context.Context, o Options) (Result, error) {
	if err := o.defaults(); err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	p, err := o.Build(o.Config, o.Getenv, o.Log)
	if err != nil {
		return Result{}, err
	}
	n := o.Submissions.Len()
	workers := max(o.Config.Workers, runtime.GOMAXPROCS(0))
	res := Result{Mode: "inproc", Articles: n, Workers: workers, GoMaxProc: runtime.GOMAXPROCS(0)}
	runtime.GC()
	res.IdleRSS = ReadStatus("VmRSS")
	var (
		stages durations
		mu     sync.Mutex
		e2e    = make([]time.Duration, 0, n)
		failed atomic.Int64
	)
	one := func(data []byte) {
		t0 := time.Now()
		err := func() error {
			a, err := p.IngestStage(ctx, pipeline.Raw{Data: data, ContentType: "application/json"})
			t1 := time.Now()
			stages.add(news.StageIngest, t1.Sub(t0))
			if err != nil {
				return err
			}
			if a, err = p.Detect(ctx, a); err != nil {
				return err
			}
			t2 := time.Now()
			stages.add(news.StageLangDetect, t2.Sub(t1))
			x, err := p.Extract(ctx, a)
			if err != nil {
				return err
			}
			t3 := time.Now()
			stages.add(news.StageEntities, t3.Sub(t2))
			if _, err := p.Summarise(ctx, x); err != nil {
				return err
			}
			stages.add(news.StageSummarise, time.Since(t3))
			return nil
		}()
		if err != nil {
			failed.Add(1)
			o.Log.Warn("bench: in-process", "err", err)
			return
		}
		d := time.Since(t0)
		mu.Lock()
		e2e = append(e2e, d)
		mu.Unlock()
	}
	start, cpu0 := time.Now(), CPUTime()
	feed(ctx, o.Submissions, o.Rate, workers, one)
	res.Elapsed, res.CPU = time.Since(start), CPUTime()-cpu0
	res.PeakRSS = ReadStatus("VmHWM")
	res.LoadAvg = LoadAvg()
	res.EndToEnd = Summarise(e2e)
	res.Briefed = len(e2e)
	res.Failed = int(failed.Load())
	res.Stages = stages.dists()
	if res.Briefed+res.Failed < n {
		return res, fmt.Errorf("%w: %d of %d settled", ErrIncomplete, res.Briefed+res.Failed, n)
	}
	return res, ctx.Err()
}

// Write prints a result's figures, one per line.
func (r Result) Write(w io.Writer) {
	fmt.Fprintf(w, "%s: articles=%d briefed=%d failed=%d elapsed=%s throughput=%.1f/s workers=%d gomaxprocs=%d loadavg=%q\n",
		r.Mode, r.Articles, r.Briefed, r.Failed, r.Elapsed.Round(time.Millisecond), r.Throughput(), r.Workers, r.GoMaxProc, r.LoadAvg)
	fmt.Fprintf(w, "%s: cpu=%s (%.3fms/article, user+sys)\n", r.Mode, r.CPU.Round(time.Millisecond), float64(r.CPUPerArticle())/1e6)
	fmt.Fprintf(w, "%s: end-to-end %s\n", r.Mode, r.EndToEnd)
	if r.Submit.N > 0 {
		fmt.Fprintf(w, "%s: submit     %s\n", r.Mode, r.Submit)
	}
	names := make([]string, 0, len(r.Stages))
	for k := range r.Stages {
		names = append(names, k)
	}
	order := map[string]int{news.StageIngest: 0, news.StageLangDetect: 1, news.StageEntities: 2, news.StageSummarise: 3}
	slices.SortFunc(names, func(a, b string) int {
		oa, ok1 := order[a]
		ob, ok2 := order[b]
		if !ok1 {
			oa = 9
		}
		if !ok2 {
			ob = 9
		}
		if oa != ob {
			return oa - ob
		}
		return strings.Compare(a, b)
	})
	for _, k := range names {
		fmt.Fprintf(w, "%s: stage %-10s %s\n", r.Mode, k, r.Stages[k])
	}
	fmt.Fprintf(w, "%s: rss idle=%.1fMB peak=%.1fMB\n", r.Mode, mb(r.IdleRSS), mb(r.PeakRSS))
}

// Line is the one-line summary `newsbrief bench` ends with, in the format
// issue #7 fixed (CPU per article is on the lines before it).
func Line(main Result, inproc float64) string {
	return fmt.Sprintf("bench: articles=%d throughput=%.1f/s p50=%.2fms p99=%.2fms rss=%.0fMB inproc=%.1f/s",
		main.Articles, main.Throughput(), float64(main.EndToEnd.P50)/1e6, float64(main.EndToEnd.P99)/1e6, mb(main.PeakRSS), inproc)
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// ReadStatus returns a memory field of /proc/self/status ("VmRSS",
// "VmHWM") in bytes, or 0 where there is no /proc.
func ReadStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// LoadAvg is /proc/loadavg's first three fields, or "".
func LoadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
