// Command newsbrief is the product binary: `newsbrief serve` runs the whole
// pipeline with an embedded NATS server (or against NATS_URL), and the other
// subcommands are its command-line client and tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

const usage = `newsbrief turns Italian and English tech news into structured briefs.

Usage:
  newsbrief [serve] [flags]              run the pipeline: embedded NATS (or NATS_URL), all stages, HTTP on 127.0.0.1:8080
  newsbrief submit [FILE|URL|-]...       queue articles through the HTTP API; prints each id (--wait prints briefs)
  newsbrief briefs [ID]                  list briefs or show one (--format json|md|text, --lang, --follow)
  newsbrief digest [--since 24h]         Markdown digest of recent briefs grouped by topic
  newsbrief brief [FILE|-]               brief an article in-process, no NATS (--lang, --jsonl, --format)
  newsbrief eval entities|summaries      measure entity F1 or summary ROUGE on labelled data
  newsbrief dlq list | retry SEQ|ID|--all  inspect and re-inject dead letters
  newsbrief reprocess --prompt-version V  re-run stored articles (entities + summary) and replace their briefs
  newsbrief audit [--older 10m]          list articles pending with no message in flight (exit 1 if any)
  newsbrief setup                        declare the streams and KV buckets (ops), for workers in NEWSBRIEF_BIND_ONLY mode
  newsbrief bench [--n N] [--rate R]     measure throughput, latency and memory on an embedded server (--inproc, --llm-latency)
  newsbrief healthcheck                  exit 0 if the local server's /healthz answers (for containers)
  newsbrief version

Run 'newsbrief COMMAND -h' for a command's flags ('newsbrief serve -h' for the
server's). Settings come from flags or environment variables; see the
README's configuration table. With no FILE, submit and brief read standard
input when it is not a terminal. Results go to standard output, status and
errors to standard error; --format json lists are JSON Lines (one object per
line). Exit status: 0 done, 1 failed, 2 wrong usage.

Examples:
  newsbrief                                          # serve on 127.0.0.1:8080 with data in ./data
  NEWSBRIEF_HTTP_ADDR=:8080 NEWSBRIEF_API_TOKEN=s3cret newsbrief   # reachable from other machines
  newsbrief submit article.txt --wait --format md    # queue an article and print its brief
  curl -sS 'localhost:8080/v1/briefs?lang=it' | jq .
  newsbrief brief --lang it < article.txt            # one-off brief, no server
  newsbrief briefs --follow --lang it                # print new Italian briefs as they arrive
  newsbrief digest --since 24h > today.md            # yesterday's news by topic

Web pages are on / (briefs, filters, a submit form, live updates), feeds on
/feed.xml and /feed.json, metrics on /metrics.
`

var version = "dev"

// defaultMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT
// is set: under sustained load the heap otherwise grows to ~350 MB (GOGC
// 100 over JSON copies of every article in flight); with the limit the GC
// runs earlier and peak RSS stays ≈ 230 MB at no measured throughput cost
// (docs/performance.md). It is soft: a larger live heap is still allowed.
const defaultMemoryLimit = 200 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		// A second signal ends the process at once.
		stop()
		if !drains(os.Args[1:]) {
			// A client command holds nothing worth finishing: every read
			// and request watches ctx, and if one is stuck in a blocking
			// read of a pipe, this ends it.
			time.Sleep(2 * time.Second)
			fmt.Fprintln(os.Stderr, "newsbrief: interrupted")
			os.Exit(130)
		}
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// drains reports whether the command stops by itself on a signal, however
// long it takes (the server drains its stages; tools talking to NATS finish
// their step). The other commands are ended 2 s after a signal.
func drains(args []string) bool {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return true // serve
	}
	switch args[0] {
	case "serve", "bench", "reprocess", "dlq":
		return true
	}
	return false
}

// run is main with its dependencies passed in, for tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd, rest := "serve", args
	switch {
	case len(args) > 0 && wantsHelp(args[:1]):
		// `newsbrief -h`: the command list; `newsbrief serve -h` has the flags.
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-'):
		cmd, rest = args[0], args[1:]
	}
	if cmd == "help" && len(rest) > 0 {
		// `newsbrief help submit` is `newsbrief submit -h`.
		cmd, rest = rest[0], []string{"-h"}
	}
	if wantsHelp(rest) {
		// Help is the answer asked for: it goes to standard output, so
		// `newsbrief submit -h | less` works, and the exit code is 0.
		stderr = stdout
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, stderr, getenv, nil)
	case "submit":
		err = submit(ctx, rest, stdin, stdout, stderr, getenv)
	case "briefs":
		err = briefs(ctx, rest, stdout, stderr, getenv)
	case "digest":
		err = digest(ctx, rest, stdout, stderr, getenv)
	case "brief":
		err = briefCmd(ctx, rest, stdin, stdout, stderr, getenv)
	case "eval":
		err = evalCmd(rest, stdout)
	case "reprocess":
		err = reprocess(ctx, rest, stdout, stderr, getenv)
	case "dlq":
		err = dlq(ctx, rest, stdout, stderr, getenv)
	case "audit":
		err = audit(ctx, rest, stdout, stderr, getenv)
	case "setup":
		err = setupCmd(ctx, rest, stdout, stderr, getenv)
	case "bench":
		err = benchCmd(ctx, rest, stdout, stderr, getenv)
	case "healthcheck":
		if wantsHelp(rest) {
			fmt.Fprintln(stdout, "usage: newsbrief healthcheck\n\nExits 0 when GET /healthz answers on this machine's NEWSBRIEF_HTTP_ADDR\n(default "+DefaultHTTPAddr+"), else 1: the containers' HEALTHCHECK.")
			return 0
		}
		return healthcheck(getenv)
	case "version":
		if wantsHelp(rest) {
			fmt.Fprintln(stdout, "usage: newsbrief version\n\nPrints the version.")
			return 0
		}
		fmt.Fprintln(stdout, "newsbrief", version)
	case "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "newsbrief: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, errHelp) || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "newsbrief %s: %v\n", cmd, err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errHelp is returned by a command that printed its help because -h or
// --help was given: exit code 0.
var errHelp = errors.New("help requested")

// flagError turns a flag parsing error into the command's error: help asked
// for is errHelp, anything else a usageError.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	return usageError{err.Error()}
}
