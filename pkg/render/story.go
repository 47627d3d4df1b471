package render

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Story writes a story in format (json, md, text). With full it shows
// every brief, the entities, the figures and the timeline; otherwise one
// line (text) or a short block (md). lang is the preferred language of
// the headline.
func Story(w io.Writer, s news.Story, format, lang string, full bool) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(s)
	case "md":
		_, err := io.WriteString(w, StoryMarkdown(s, lang, full))
		return err
	case "text":
		l, b := storyBrief(s, lang)
		if !full {
			_, err := fmt.Fprintf(w, "%s  %s  %-5s %2d src  %s\n", s.ID, s.LastSeen.Local().Format("2006-01-02 15:04"), strings.Join(s.Languages, ","), s.Sources, b.Headline)
			return err
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s\n%s\n\n", b.Headline, strings.Repeat("=", min(len(b.Headline), 78)))
		fmt.Fprintf(&sb, "%s · %d sources · %s\n\n%s\n", s.ID, s.Sources, strings.Join(s.Languages, ", "), b.Summary)
		for _, o := range otherLangs(s, l) {
			fmt.Fprintf(&sb, "\n[%s] %s\n%s\n", o, s.Briefs[o].Headline, s.Briefs[o].Summary)
		}
		sb.WriteString("\nTimeline:\n")
		for _, m := range timeline(s) {
			fmt.Fprintf(&sb, "  %s  %s  %s%s\n", m.PublishedAt.Format("2006-01-02 15:04"), m.Language, memberTitle(m), copyNote(m))
		}
		_, err := io.WriteString(w, sb.String())
		return err
	}
	return fmt.Errorf("unknown format %q (want json, md or text)", format)
}

// StoryMarkdown is a story as Markdown.
func StoryMarkdown(s news.Story, lang string, full bool) string {
	l, b := storyBrief(s, lang)
	var sb strings.Builder
	fmt.Fprintf(&sb, "## %s\n\n", b.Headline)
	fmt.Fprintf(&sb, "*%d source%s · %s · %s – %s*\n\n", s.Sources, plural(s.Sources), strings.Join(s.Languages, ", "), s.FirstSeen.Format("2006-01-02"), s.LastSeen.Format("2006-01-02"))
	if b.Summary != "" {
		fmt.Fprintf(&sb, "%s\n\n", b.Summary)
	}
	if full {
		for _, o := range otherLangs(s, l) {
			fmt.Fprintf(&sb, "**%s:** %s — %s\n\n", o, s.Briefs[o].Headline, s.Briefs[o].Summary)
		}
		if len(s.Entities) > 0 {
			var names []string
			for _, e := range s.Entities {
				n := e.Name
				if v, ok := e.Names[l]; ok {
					n = v
				}
				names = append(names, fmt.Sprintf("%s (%d)", n, e.Sources))
			}
			fmt.Fprintf(&sb, "**Entities:** %s\n\n", strings.Join(names, ", "))
		}
		if len(s.Amounts) > 0 {
			groups := map[string][]string{}
			var order []string
			for _, a := range s.Amounts {
				if _, ok := groups[a.Group]; !ok {
					order = append(order, a.Group)
				}
				groups[a.Group] = append(groups[a.Group], a.Text)
			}
			var parts []string
			for _, g := range order {
				parts = append(parts, strings.Join(groups[g], " vs "))
			}
			fmt.Fprintf(&sb, "**Figures:** %s\n\n", strings.Join(parts, "; "))
		}
	}
	for _, m := range timeline(s) {
		t := memberTitle(m)
		if m.URL != "" {
			t = "[" + t + "](" + m.URL + ")"
		}
		src := ""
		if m.Source != "" {
			src = " — " + m.Source
		}
		fmt.Fprintf(&sb, "- %s `%s` %s%s%s\n", m.PublishedAt.Format("2006-01-02"), m.Language, t, src, copyNote(m))
	}
	sb.WriteString("\n")
	return sb.String()
}

// storyBrief picks the brief in lang, else the first language with one.
func storyBrief(s news.Story, lang string) (string, news.StoryBrief) {
	if b, ok := s.Briefs[lang]; ok {
		return lang, b
	}
	for _, l := range s.Languages {
		if b, ok := s.Briefs[l]; ok {
			return l, b
		}
	}
	if len(s.Members) > 0 {
		return s.Members[0].Language, news.StoryBrief{Headline: s.Members[0].Title}
	}
	return lang, news.StoryBrief{Headline: s.ID}
}

func otherLangs(s news.Story, l string) []string {
	var out []string
	for _, o := range s.Languages {
		if _, ok := s.Briefs[o]; ok && o != l {
			out = append(out, o)
		}
	}
	return out
}

func timeline(s news.Story) []news.StoryMember {
	ms := append([]news.StoryMember(nil), s.Members...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].PublishedAt.Before(ms[j].PublishedAt) })
	return ms
}

func memberTitle(m news.StoryMember) string {
	if m.Headline != "" {
		return m.Headline
	}
	return m.Title
}

func copyNote(m news.StoryMember) string {
	if m.DuplicateOf != "" {
		return " (copy)"
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
