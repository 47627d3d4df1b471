package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/render"
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
	show := fs.Int("show", 0, "print this many multi-article stories in full (JSON, state left out), bilingual first")
	showFormat := fs.String("show-format", "json", "json or md for --show")
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
	p, err := buildPipeline(c, c.Logger(io.Discard))
	if err != nil {
		return err
	}
	ctx := context.Background()
	brief := func(ctx context.Context, it storyeval.Item) (news.Brief, error) {
		sub, _ := json.Marshal(news.Submission{Title: it.Title, Body: it.Body, Source: it.Source}) // the URL is set on the brief (storyeval.Briefs): labels may hold URLs the ingest rules refuse
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
			if *showFormat == "md" {
				fmt.Fprint(stdout, render.StoryMarkdown(s, "", true))
				continue
			}
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

// storiesCmd lists stories or shows one, from a running newsbrief.
func storiesCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("stories", flag.ContinueOnError)
	c := clientFlags(fs, getenv)
	format := fs.String("format", "text", "json, md or text")
	lang := fs.String("lang", "", "only stories with an article in this language; also the headline's language")
	entity := fs.String("entity", "", "only stories naming this entity")
	since := fs.String("since", "", "only stories active since (a duration like 24h, or RFC 3339)")
	limit := fs.Int("limit", 20, "how many")
	follow := fs.Bool("follow", false, "keep printing stories as they change (Server-Sent Events)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: newsbrief stories [flags] [ID]

Lists the latest stories (articles about one event, from any source and in
any language), most recently active first, or shows the story with ID.

Examples:
  newsbrief stories                         # one line each
  newsbrief stories --lang it --format md   # Italian headlines, as Markdown
  newsbrief stories st-0f3c... --format md  # one story in full
  newsbrief stories --follow                # print stories as they change

Flags:
`)
		fs.PrintDefaults()
	}
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if *format != "json" && *format != "md" && *format != "text" {
		return usageError{"--format must be json, md or text"}
	}
	if len(pos) > 0 {
		var s news.Story
		if _, err := c.do(ctx, "GET", "/v1/stories/"+url.PathEscape(pos[0]), "", nil, &s); err != nil {
			return err
		}
		return render.Story(stdout, s, *format, *lang, true)
	}
	q := url.Values{"lang": {*lang}, "entity": {*entity}, "since": {*since}, "limit": {fmt.Sprint(*limit)}}
	var list gateway.StoryList
	if _, err := c.do(ctx, "GET", "/v1/stories?"+q.Encode(), "", nil, &list); err != nil {
		return err
	}
	for _, s := range list.Stories {
		if err := render.Story(stdout, s, *format, *lang, false); err != nil {
			return err
		}
	}
	if !*follow {
		return nil
	}
	return followStories(ctx, c, *format, *lang, stdout, fs.Output())
}

// followStories prints each changed story from the event stream,
// reconnecting with a back-off when it drops.
func followStories(ctx context.Context, c *client, format, lang string, w, errw io.Writer) error {
	wait := 500 * time.Millisecond
	for {
		err := streamStories(ctx, c, format, lang, w)
		if ctx.Err() != nil {
			return nil
		}
		var se statusError
		if errors.As(err, &se) && se.code >= 400 && se.code < 500 {
			return err
		}
		fmt.Fprintf(errw, "newsbrief: story stream ended (%v); reconnecting in %s\n", err, wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

func streamStories(ctx context.Context, c *client, format, lang string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(c.base, "/")+"/v1/stories/events", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return statusError{resp.StatusCode, resp.Status}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var s news.Story
		if json.Unmarshal([]byte(line), &s) == nil {
			if err := render.Story(w, s, format, lang, false); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.EOF
}
