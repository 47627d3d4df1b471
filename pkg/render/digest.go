package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Section is one topic of a digest with its briefs, newest first.
type Section struct {
	Topic  string       `json:"topic"`
	Briefs []news.Brief `json:"briefs"`
}

// Untopical names the section of briefs without a topic.
const Untopical = "other"

// Sections groups briefs by their first topic, biggest section first (ties
// by name), briefs without a topic last. Each brief appears once.
func Sections(briefs []news.Brief) []Section {
	byTopic := map[string][]news.Brief{}
	for _, br := range briefs {
		t := Untopical
		if len(br.Topics) > 0 && br.Topics[0] != "" {
			t = br.Topics[0]
		}
		byTopic[t] = append(byTopic[t], br)
	}
	out := make([]Section, 0, len(byTopic))
	for t, bs := range byTopic {
		slices.SortStableFunc(bs, func(a, b news.Brief) int { return b.CreatedAt.Compare(a.CreatedAt) })
		out = append(out, Section{Topic: t, Briefs: bs})
	}
	slices.SortFunc(out, func(a, b Section) int {
		if (a.Topic == Untopical) != (b.Topic == Untopical) {
			if a.Topic == Untopical {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(len(b.Briefs), len(a.Briefs)), strings.Compare(a.Topic, b.Topic))
	})
	return out
}

// Digest writes briefs grouped by topic under title: Markdown (each brief
// as in Markdown, one level down), text, or JSON (the sections).
func Digest(w io.Writer, title string, briefs []news.Brief, format string) error {
	secs := Sections(briefs)
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(map[string]any{"title": title, "count": len(briefs), "sections": secs})
	case "md":
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n\n", MarkdownText(title))
		if len(briefs) == 0 {
			b.WriteString("No briefs.\n")
		}
		for _, s := range secs {
			fmt.Fprintf(&b, "## %s (%d)\n\n", MarkdownText(s.Topic), len(s.Briefs))
			for _, br := range s.Briefs {
				// One level down: the brief's "## " becomes "### ".
				b.WriteString("#" + Markdown(br))
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "text":
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n%s\n\n", oneLine(title), strings.Repeat("=", len([]rune(oneLine(title)))))
		for _, s := range secs {
			fmt.Fprintf(&b, "%s (%d)\n\n", strings.ToUpper(s.Topic), len(s.Briefs))
			for _, br := range s.Briefs {
				fmt.Fprintf(&b, "  [%s] %s\n      %s\n", br.Language.Code, oneLine(br.Headline), br.ID)
			}
			b.WriteString("\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown format %q (want json, md or text)", format)
}
