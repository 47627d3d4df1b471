package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/bench"
	"github.com/newsbrief/newsbrief/pkg/llm/llmtest"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmbench"
	"github.com/newsbrief/newsbrief/pkg/service"
)

const benchUsage = `usage: newsbrief bench [flags]

Pushes N articles through the whole pipeline on an embedded NATS server in a
temporary directory (every stage and the recorder in this process, as
'newsbrief serve' runs them), submitting them as the gateway does (prepare,
claim, publish the prepared article on news.ingested), and waits until every brief is stored.
Then it runs the same stage functions in-process, without NATS, for
comparison. Articles are variants of the corpus (--data, default the seed
article) with a numbered sentence appended, so every one has its own id.

It prints throughput, latency per stage and end to end (submit -> brief
stored), peak RSS and the load average, and ends with one line:
  bench: articles=N throughput=X/s p50=Yms p99=Zms rss=WMB inproc=V/s cpu=Cms/article

Examples:
  newsbrief bench                                  # 2000 seed variants, NATS then in-process
  newsbrief bench --data ../shared/data/articles   # the 124 Wikinews articles in turn
  newsbrief bench --rate 250 --n 2000              # open loop: latency at 250 articles/s
  newsbrief bench --inproc                         # the stage functions only
  newsbrief bench --size 16384                     # 16 KB articles
  newsbrief bench --readmodel 10000,100000       # the read model store: ingest, list, filter, search, reopen
  newsbrief bench --replay                         # the bus alone: stages replay their first result
  NEWSBRIEF_WORKERS=2 newsbrief bench              # workers per stage
  NEWSBRIEF_LLM_CONCURRENCY=8 newsbrief bench --llm-latency 500ms --n 80
                                                   # LLM engines against a local test server

Flags:
`

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 0, "articles to push (default 2000; 20 × LLM concurrency with --llm-latency)")
	data := fs.String("data", "", "directory of *.txt articles (title, blank line, body)")
	seed := fs.String("seed", "", "one article file, all body (default: shared/data/seed/it_amazon_openai_trainium.txt found walking up from here)")
	size := fs.Int("size", 0, "resize every body to about this many bytes (0: as they are)")
	rate := fs.Float64("rate", 0, "open loop: submit this many articles per second (0: as fast as possible)")
	inproc := fs.Bool("inproc", false, "only run the stage functions in-process, without NATS")
	noInproc := fs.Bool("no-inproc", false, "skip the in-process comparison run")
	llmLatency := fs.Duration("llm-latency", 0, "use the LLM engines against a built-in test server with this latency per request (e.g. 500ms)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	submitters := fs.Int("submitters", 4, "goroutines submitting in closed loop")
	inflight := fs.Int("inflight", 0, "closed loop: at most this many articles submitted and not yet settled (0: queue all N at once)")
	verbose := fs.Bool("v", false, "show the pipeline's warnings")
	replay := fs.Bool("replay", false, "stage engines answer every article with their result for the first one: the run measures the bus alone, with messages of real size")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	memprofile := fs.String("memprofile", "", "write a heap profile at the end of the run to this file (go tool pprof -sample_index=alloc_space: what the run allocated)")
	reuse := fs.Bool("reuse", false, "with --readmodel and NEWSBRIEF_DB_URL: measure the briefs an earlier run left in the database instead of loading")
	keep := fs.String("keep", "", "with --readmodel: build the SQLite store in this directory and keep it (to time a gateway's restart on it: NEWSBRIEF_DATA=DIR/.. with the store in DIR)")
	readModel := fs.String("readmodel", "", "measure the read model store instead of the pipeline: comma-separated sizes to load in turn, e.g. 10000,100000 (PostgreSQL when NEWSBRIEF_DB_URL is set, else SQLite in a temporary directory)")
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return flagError(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"bench takes no arguments"}
	}
	if *readModel != "" {
		return benchReadModel(ctx, *readModel, getenv("NEWSBRIEF_DB_URL"), *keep, *reuse, stdout, stderr)
	}

	env := map[string]string{}
	get := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return getenv(k)
	}
	var srv *llmtest.Server
	conc := 0
	if *llmLatency > 0 {
		srv = llmtest.NewServer(llmtest.Options{Latency: *llmLatency})
		defer srv.Close()
		env["OPENAI_BASE_URL"] = srv.BaseURL()
		env["OPENAI_API_KEY"] = "bench"
		env["NEWSBRIEF_LLM_MODEL"] = "llmtest"
		env["NEWSBRIEF_ENTITIES_ENGINE"] = "llm"
		env["NEWSBRIEF_SUMMARY_ENGINE"] = "llm"
		conc = 4
		if v := getenv("NEWSBRIEF_LLM_CONCURRENCY"); v != "" {
			if c, err := strconv.Atoi(v); err == nil && c > 0 {
				conc = c
			}
		}
		if *n == 0 {
			*n = 20 * conc
		}
	}
	if *n == 0 {
		*n = 2000
	}
	if *n < 1 {
		return usageError{"--n must be at least 1"}
	}
	c, err := service.Load(flag.NewFlagSet("config", flag.ContinueOnError), nil, get, "")
	if err != nil {
		return err
	}
	lvl := "error"
	if *verbose {
		lvl = "warn"
	}
	c.LogLevel, c.LogFormat = lvl, "text"
	log := c.Logger(stderr)

	var docs []bench.Doc
	switch {
	case *data != "":
		if docs, err = bench.LoadDir(*data); err != nil {
			return err
		}
	case *seed != "":
		b, err := os.ReadFile(*seed)
		if err != nil {
			return fmt.Errorf("reading the seed article: %w", err)
		}
		docs = []bench.Doc{{Body: string(b)}}
	default:
		dir, ok := shared.DataDir()
		if !ok {
			return usageError{"no article to bench: give --data DIR or --seed FILE (or keep ../shared/data beside the repo)"}
		}
		b, err := os.ReadFile(filepath.Join(dir, "seed", "it_amazon_openai_trainium.txt"))
		if err != nil {
			return fmt.Errorf("reading the seed article: %w", err)
		}
		docs = []bench.Doc{{Body: string(b)}}
	}
	build := buildPipeline
	if *replay {
		build = func(c service.Config, log *slog.Logger) (*pipeline.Pipeline, error) {
			p, err := buildPipeline(c, log)
			if err != nil {
				return nil, err
			}
			return bench.Replay(p), nil
		}
	}
	o := bench.Options{
		Submissions: bench.Variants(docs, *n, *size),
		Config:      c, Getenv: get, Rate: *rate,
		// The LLM settings are in c already (service.Load read get).
		Build: func(c service.Config, _ func(string) string, log *slog.Logger) (*pipeline.Pipeline, error) {
			return build(c, log)
		},
		Submitters: *submitters, InFlight: *inflight, Timeout: *timeout, Log: log,
	}
	fmt.Fprintf(stdout, "bench: %d articles from %d documents, mean size %d bytes, workers=%d, load average %s\n",
		*n, len(docs), meanSize(o.Submissions), c.Workers, bench.LoadAvg())

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fmt.Errorf("creating the CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if *memprofile != "" {
		defer func() {
			if err := writeHeapProfile(*memprofile); err != nil {
				fmt.Fprintln(stderr, "bench:", err)
			}
		}()
	}
	var main bench.Result
	var ip float64
	if !*inproc {
		main, err = bench.RunNATS(ctx, o)
		main.Write(stdout)
		if err != nil {
			return err
		}
	}
	if *inproc || (!*noInproc && srv == nil) {
		r, err := bench.RunInProc(ctx, o)
		r.Write(stdout)
		if err != nil {
			return err
		}
		ip = r.Throughput()
		if *inproc {
			main = r
		} else {
			fmt.Fprintf(stdout, "bench: nats/inproc = %.0f%% by throughput, %.0f%% by CPU per article (%.3f / %.3f ms)\n",
				100*main.Throughput()/ip, 100*float64(r.CPUPerArticle())/float64(max(main.CPUPerArticle(), 1)),
				float64(r.CPUPerArticle())/1e6, float64(main.CPUPerArticle())/1e6)
		}
	}
	if srv != nil {
		reqs := srv.Requests()
		ideal := float64(conc) / llmLatency.Seconds()
		got := float64(reqs) / main.Elapsed.Seconds()
		fmt.Fprintf(stdout, "bench: llm requests=%d in %s: %.2f req/s; concurrency/latency = %d/%s = %.2f req/s; achieved %.0f%% (max in flight %d)\n",
			reqs, main.Elapsed.Round(time.Millisecond), got, conc, *llmLatency, ideal, 100*got/ideal, srv.MaxInFlight())
	}
	fmt.Fprintln(stdout, bench.Line(main, ip))
	return nil
}

// writeHeapProfile writes the heap profile: live objects and, with
// -sample_index=alloc_space, everything allocated since the start.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the heap profile: %w", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing the heap profile: %w", err)
	}
	return f.Close()
}

// meanSize is the mean size of the first 100 submissions.
func meanSize(subs bench.Source) int {
	t, n := 0, min(subs.Len(), 100)
	for i := range n {
		t += len(subs.At(i))
	}
	return t / max(1, n)
}

// benchReadModel loads synthetic briefs into a fresh read model store up to
// each size and prints one line per size (see package rmbench).
func benchReadModel(ctx context.Context, sizes, dbURL, keep string, reuse bool, stdout, stderr io.Writer) error {
	var ns []int
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			return usageError{fmt.Sprintf("--readmodel takes sizes of at least 100, not %q", f)}
		}
		ns = append(ns, n)
	}
	kind, dir := "postgres", ""
	if dbURL == "" && keep != "" {
		kind, dir = "sqlite", keep
	} else if dbURL == "" {
		d, err := os.MkdirTemp("", "newsbrief-readmodel")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		kind, dir = "sqlite", d
	}
	open := func(ctx context.Context) (readmodel.Store, error) { return readmodel.Open(ctx, dir, dbURL) }
	if dbURL != "" {
		// A fresh table: the bench must not mix with a real read model.
		s, err := readmodel.OpenPostgres(ctx, dbURL)
		if err != nil {
			return err
		}
		n, _ := s.Count(ctx)
		s.Close()
		if n > 0 && !reuse {
			return fmt.Errorf("the database at NEWSBRIEF_DB_URL already holds %d briefs: point the bench at an empty one", n)
		}
	}
	res, err := rmbench.Run(ctx, open, dir, ns, 400, reuse, stderr)
	for _, r := range res {
		r.Print(stdout, kind)
	}
	return err
}
