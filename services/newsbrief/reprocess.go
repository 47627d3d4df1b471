package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/service"
)

const reprocessUsage = `usage: newsbrief reprocess --prompt-version V [--all | ID...]

Re-runs stored articles through entities and summary and replaces their
briefs (never a second brief per article). By default it takes every brief
not written with prompt version V — e.g. after upgrading the prompt, or to
let a newly configured LLM rewrite offline briefs. V names the run: letters,
digits, - and _. Talks to NATS directly: NATS_URL, or the local embedded
server at NEWSBRIEF_NATS_ADDR. Re-running is cheap when nothing changed: LLM
replies are cached by article, model and prompt version.

Examples:
  newsbrief reprocess --prompt-version brief-v2
  newsbrief reprocess --prompt-version fix-1 --all
  newsbrief reprocess --prompt-version fix-1 e3372425cdb769e163613984ecff4208`

func reprocess(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("reprocess", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("prompt-version", "", "the run's name; briefs already at this prompt version are skipped")
	all := fs.Bool("all", false, "every stored brief")
	fs.Usage = func() { fmt.Fprintln(stderr, reprocessUsage) }
	c, err := service.Load(fs, args, getenv, "")
	if err != nil {
		return flagError(err)
	}
	if *version == "" {
		return usageError{reprocessUsage}
	}
	ids := fs.Args()
	keep := func(br news.Brief) bool {
		switch {
		case len(ids) > 0:
			return slices.Contains(ids, br.ID)
		case *all:
			return true
		}
		return br.Method.PromptVersion != *version
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	b, err := connectTool(ctx, c, "reprocess", stderr)
	if err != nil {
		return err
	}
	defer b.Close()
	n, err := b.Reprocess(ctx, *version, keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "queued %d articles for re-processing as %q; their briefs are replaced as they finish\n", n, *version)
	return nil
}
