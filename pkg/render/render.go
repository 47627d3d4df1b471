// Package render writes briefs for people: Markdown, plain text, or JSON.
// The CLI, the digest and the feeds share it so a brief reads the same
// everywhere.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Formats are the accepted --format values.
var Formats = []string{"json", "md", "text"}

// Brief writes br in format.
func Brief(w io.Writer, br news.Brief, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(br)
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(br)
	case "md":
		_, err := io.WriteString(w, Markdown(br))
		return err
	case "text":
		_, err := io.WriteString(w, Text(br))
		return err
	}
	return fmt.Errorf("unknown format %q (want json, md or text)", format)
}

// Markdown renders a brief as a Markdown section. Every text that comes
// from an article (headline, summary, key points, source, topics, entity
// names) is escaped with MarkdownText, so it renders as the text it is: no
// HTML, no links, no emphasis it did not ask for. The source link is written
// only when it is an http(s) URL (SafeURL).
func Markdown(br news.Brief) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", MarkdownText(br.Headline))
	meta := []string{"`" + MarkdownText(br.Language.Code) + "`"}
	if br.Source.Name != "" {
		meta = append(meta, MarkdownText(br.Source.Name))
	}
	if br.Source.PublishedAt != nil {
		meta = append(meta, br.Source.PublishedAt.Format("2006-01-02"))
	}
	if br.Source.Dateline != "" {
		meta = append(meta, MarkdownText(br.Source.Dateline))
	}
	if br.Source.Author != "" {
		meta = append(meta, "by "+MarkdownText(br.Source.Author))
	}
	if len(br.Topics) > 0 {
		meta = append(meta, "topics: "+MarkdownText(strings.Join(br.Topics, ", ")))
	}
	meta = append(meta, "id "+MarkdownText(br.ID))
	fmt.Fprintf(&b, "*%s*\n\n%s\n\n", strings.Join(meta, " · "), MarkdownText(br.Summary))
	if len(br.KeyPoints) > 0 {
		for _, k := range br.KeyPoints {
			fmt.Fprintf(&b, "- %s\n", MarkdownText(k))
		}
		b.WriteString("\n")
	}
	if groups := Groups(br.Entities); len(groups) > 0 {
		for _, g := range groups {
			names := make([]string, len(g.Names))
			for i, n := range g.Names {
				names[i] = MarkdownText(n)
			}
			fmt.Fprintf(&b, "**%s**: %s  \n", g.Type, strings.Join(names, ", "))
		}
		b.WriteString("\n")
	}
	if u := SafeURL(br.Source.URL); u != "" {
		fmt.Fprintf(&b, "<%s>\n\n", u)
	}
	return b.String()
}

// MarkdownText makes s one line of Markdown that renders as s itself: line
// breaks become spaces; the characters that start inline markup (HTML and
// autolinks <, links and images [ ], emphasis * _, code `, escapes \) are
// backslash-escaped everywhere, and those that start a block (# > - + = and
// "1.") at the start of the line.
func MarkdownText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<':
			b.WriteByte('\\')
		case '#', '>', '-', '+', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	out := b.String()
	if n := len(out) - len(strings.TrimLeft(out, "0123456789")); n > 0 && n < len(out) && (out[n] == '.' || out[n] == ')') {
		out = out[:n] + `\` + out[n:] // "1. " or "1) " would start a numbered list
	}
	return out
}

// SafeURL returns u if it is an absolute http or https URL that can be
// written inside <…> or an attribute as it is; otherwise "". Briefs only
// ever carry such URLs (ingest refuses others), but what is printed must
// not depend on that.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	if strings.ContainsAny(u, "<>\"' \t\r\n\\`") {
		return ""
	}
	return u
}

// Text renders a brief for a terminal.
func Text(br news.Brief) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", oneLine(br.Headline))
	fmt.Fprintf(&b, "[%s %.2f] %s  id=%s  method=%s/%s\n\n", br.Language.Code, br.Language.Confidence, strings.Join(br.Topics, ","), br.ID, br.Method.Entities, br.Method.Summary)
	fmt.Fprintf(&b, "%s\n\n", br.Summary)
	for _, k := range br.KeyPoints {
		fmt.Fprintf(&b, "  * %s\n", oneLine(k))
	}
	if len(br.KeyPoints) > 0 {
		b.WriteString("\n")
	}
	for _, g := range Groups(br.Entities) {
		fmt.Fprintf(&b, "  %-9s %s\n", g.Type, strings.Join(g.Names, ", "))
	}
	return b.String()
}

// Group is the entities of one type, most mentioned first.
type Group struct {
	Type  string
	Names []string
}

var typeOrder = []string{news.Person, news.Org, news.Location, news.Product, news.Event, news.Money, news.Percent, news.Quantity, news.Date}

// Groups groups entities by type in a fixed order; numeric entities show
// their normalised value.
func Groups(ents []news.Entity) []Group {
	byType := map[string][]news.Entity{}
	for _, e := range ents {
		byType[e.Type] = append(byType[e.Type], e)
	}
	var out []Group
	for _, t := range typeOrder {
		es := byType[t]
		if len(es) == 0 {
			continue
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].Count > es[j].Count })
		g := Group{Type: t}
		for _, e := range es {
			g.Names = append(g.Names, Label(e))
		}
		out = append(out, g)
	}
	return out
}

// Label is an entity's name with its normalised value when it has one and
// it says something the name does not ("2008", not "2008 (2008)").
func Label(e news.Entity) string {
	if v := Value(e); v != "" && v != e.Name {
		return e.Name + " (" + v + ")"
	}
	return e.Name
}

// Value is an entity's normalised value as people read it ("> 10bn USD",
// "27%", "~100k", "2025-12-17"), or "" when it has none.
func Value(e news.Entity) string {
	q := map[string]string{"over": "> ", "under": "< ", "about": "~", "up_to": "≤ ", "at_least": "≥ "}[e.Qualifier]
	if e.Approximate && q == "" {
		q = "~"
	}
	switch {
	case e.Value != nil && e.Currency != "":
		return fmt.Sprintf("%s%s %s", q, Number(*e.Value), e.Currency)
	case e.Value != nil && e.Type == news.Percent:
		return fmt.Sprintf("%s%s%%", q, strconv.FormatFloat(*e.Value, 'g', -1, 64))
	case e.Value != nil && e.Type == news.Quantity:
		return q + Number(*e.Value)
	case e.ISO != "":
		return e.ISO
	}
	return ""
}

// Number writes a large number the way news does: 10bn, 1.4tn, 5m, 500k.
func Number(v float64) string {
	for _, s := range []struct {
		div  float64
		unit string
	}{{1e12, "tn"}, {1e9, "bn"}, {1e6, "m"}, {1e3, "k"}} {
		if v >= s.div {
			return strconv.FormatFloat(v/s.div, 'f', -1, 64) + s.unit
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
