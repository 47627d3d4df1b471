package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/story"
	"github.com/newsbrief/newsbrief/pkg/story/storyeval"
)

// evalStories runs the real offline pipeline and the real clustering over
// a labelled directory, in published order, and prints the scores.
func evalStories(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("eval stories", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "directory with *.txt articles and labels.tsv")
	window := fs.Duration("window", story.DefaultConfig.Window, "clustering window")
	verbose := fs.Bool("verbose", false, "print every article's decision")
	show := fs.Int("show", 0, "print this many multi-article stories in full (JSON, state left out)")
	tune := fs.Bool("tune", false, "search the clustering weights and bars on this data (development only: prints the best settings)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *data == "" {
		return usageError{"--data is required"}
	}
	items, err := storyeval.Read(*data)
	if err != nil {
		return err
	}
	c, err := service.Load(flag.NewFlagSet("config", flag.ContinueOnError), nil, getenv, "")
	if err != nil {
		return err
	}
	c.LogLevel = "warn"
	c.EntitiesEngine, c.SummaryEngine = "offline", "offline"
	p, err := buildPipeline(c, getenv, c.Logger(io.Discard))
	if err != nil {
		return err
	}
	ctx := context.Background()
	brief := func(ctx context.Context, it storyeval.Item) (news.Brief, error) {
		sub, _ := json.Marshal(news.Submission{Title: it.Title, Body: it.Body, URL: it.URL, Source: it.Source})
		return p.Process(ctx, pipeline.Raw{Data: sub, ContentType: "application/json"}, it.Lang)
	}
	cfg := story.DefaultConfig
	cfg.Window = *window
	start := time.Now()
	briefs, err := storyeval.Briefs(ctx, items, brief)
	if err != nil {
		return err
	}
	if *tune {
		return storyeval.Tune(ctx, items, briefs, cfg, stdout)
	}
	rep, placed, store, err := storyeval.Run(ctx, items, briefs, cfg)
	if err != nil {
		return err
	}
	if *verbose {
		for _, pl := range placed {
			ev := pl.Placement.Evidence
			fmt.Fprintf(stdout, "%-11s %-48s %-9s %-30s score %.3f (bar %.2f, gap %.0fh) %s\n", pl.Item.File, trunc(pl.Item.Story, 48), ev.Decision, pl.Placement.StoryID, ev.Score, ev.Threshold, ev.GapHours, strings.Join(ev.Matched, ", "))
		}
	}
	rep.Write(stdout)
	fmt.Fprintf(stdout, "(%d articles briefed and clustered in %s, window %s)\n", len(items), time.Since(start).Round(time.Millisecond), *window)
	if *show > 0 {
		all := store.All()
		sort.Slice(all, func(i, j int) bool {
			if len(all[i].Languages) != len(all[j].Languages) {
				return len(all[i].Languages) > len(all[j].Languages)
			}
			if len(all[i].Members) != len(all[j].Members) {
				return len(all[i].Members) > len(all[j].Members)
			}
			return all[i].ID < all[j].ID
		})
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		for i := 0; i < *show && i < len(all) && len(all[i].Members) > 1; i++ {
			s := *all[i]
			s.State = nil
			if err := enc.Encode(s); err != nil {
				return err
			}
		}
	}
	return nil
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
