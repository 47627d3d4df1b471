package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/newsbrief/newsbrief/pkg/service"
)

const auditUsage = `usage: newsbrief audit [--older 10m] [--json]

Checks that every accepted article ends somewhere: lists the articles that
have been pending for longer than --older while no message of theirs waits
on any consumer (nothing will ever settle them). Exits 1 when it finds any.
Talks to NATS directly: NATS_URL, or the local embedded server at
NEWSBRIEF_NATS_ADDR.

Examples:
  newsbrief audit
  newsbrief audit --older 1h --json`

func audit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	older := fs.Duration("older", 10*time.Minute, "only articles pending for longer than this")
	asJSON := fs.Bool("json", false, "list as JSON")
	fs.Usage = func() { fmt.Fprintln(stderr, auditUsage) }
	c, err := service.Load(fs, args, getenv, "")
	if err != nil {
		return usageError{err.Error()}
	}
	if *older < 0 {
		return usageError{"--older must not be negative"}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	b, err := connectTool(ctx, c, "audit", stderr)
	if err != nil {
		return err
	}
	defer b.Close()
	stuck, err := b.Stuck(ctx, *older)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if stuck == nil {
			fmt.Fprintln(stdout, "[]")
		} else if err := enc.Encode(stuck); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ARTICLE\tSTAGE\tPENDING SINCE")
		for _, st := range stuck {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", st.ID, st.Stage, st.UpdatedAt.Format(time.RFC3339))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(stuck) > 0 {
		return fmt.Errorf("%d articles pending for more than %s with no message in flight", len(stuck), *older)
	}
	return nil
}

const setupUsage = `usage: newsbrief setup

Declares newsbrief's streams and KV buckets (creating or updating them) and
exits. Run it with the ops credential before workers start with
NEWSBRIEF_BIND_ONLY=1, whose NATS users may not change a stream. Talks to
NATS directly: NATS_URL, or the local embedded server at NEWSBRIEF_NATS_ADDR.

Example:
  NATS_URL=nats://nats:4222 NATS_USER=ops NATS_PASSWORD=... newsbrief setup`

func setupCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, setupUsage) }
	c, err := service.Load(fs, args, getenv, "")
	if err != nil {
		return usageError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c.BindOnly = false
	b, err := connectTool(ctx, c, "setup", stderr)
	if err != nil {
		return err
	}
	defer b.Close()
	names, err := b.Setup(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintln(stdout, "declared", n)
	}
	return nil
}
