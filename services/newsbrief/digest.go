package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/render"
)

// digest prints the briefs of a period grouped by topic.
func digest(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := clientFlags(fs, getenv)
	since := fs.Duration("since", 24*time.Hour, "how far back")
	lang := fs.String("lang", "", "only this language")
	topic := fs.String("topic", "", "only this topic")
	format := fs.String("format", "md", "md, text or json")
	max := fs.Int("max", 500, "at most this many briefs")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: newsbrief digest [flags]

Prints the briefs of the last --since grouped by topic, biggest topic first:
a Markdown digest to mail or paste.

Examples:
  newsbrief digest                          # last 24 hours, Markdown
  newsbrief digest --since 168h --lang it   # last week, Italian only
  newsbrief digest --format json | jq '.sections[].topic'

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"digest takes no arguments"}
	}
	q := url.Values{"since": {since.String()}, "limit": {"500"}}
	if *lang != "" {
		q.Set("lang", *lang)
	}
	if *topic != "" {
		q.Set("topic", *topic)
	}
	var all []news.Brief
	for len(all) < *max {
		var page gateway.BriefList
		if _, err := c.do(ctx, "GET", "/v1/briefs?"+q.Encode(), "", nil, &page); err != nil {
			return err
		}
		all = append(all, page.Briefs...)
		if page.NextCursor == "" {
			break
		}
		q.Set("cursor", page.NextCursor)
	}
	all = all[:min(len(all), *max)]
	title := fmt.Sprintf("newsbrief digest: %d briefs since %s", len(all), time.Now().Add(-*since).Format("2006-01-02 15:04"))
	if *lang != "" {
		title += " (" + *lang + ")"
	}
	return render.Digest(stdout, title, all, *format)
}
