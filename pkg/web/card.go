package web

import (
	"cmp"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/render"
)

// card is a brief as the list shows it.
type card struct {
	news.Brief
	Groups []chipGroup
}

type chipGroup struct {
	Type  string
	Chips []chip
}

type chip struct {
	Name  string // canonical name, for the entity filter
	Label string // with the normalised value, if any
}

// chipsPerType bounds the chips shown per entity type on a card.
const chipsPerType = 8

var typeOrder = []string{news.Person, news.Org, news.Location, news.Product, news.Event, news.Money, news.Percent, news.Quantity, news.Date}

func typeRank(t string) int {
	if i := slices.Index(typeOrder, t); i >= 0 {
		return i
	}
	return len(typeOrder)
}

func newCard(br news.Brief) card {
	byType := map[string][]news.Entity{}
	for _, e := range br.Entities {
		byType[e.Type] = append(byType[e.Type], e)
	}
	var groups []chipGroup
	for t, es := range byType {
		slices.SortStableFunc(es, func(a, b news.Entity) int { return cmp.Compare(b.Count, a.Count) })
		g := chipGroup{Type: t}
		for _, e := range es[:min(len(es), chipsPerType)] {
			g.Chips = append(g.Chips, chip{Name: e.Name, Label: render.Label(e)})
		}
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b chipGroup) int {
		return cmp.Or(typeRank(a.Type)-typeRank(b.Type), strings.Compare(a.Type, b.Type))
	})
	return card{Brief: br, Groups: groups}
}

// Segment is a piece of the article body: plain text, or the mention of an
// entity of Type named Name.
type Segment struct {
	Text string
	Type string
	Name string
}

// Highlight cuts body into segments at the entities' mentions. Mentions are
// byte ranges into body as stored; ranges out of bounds, not on UTF-8
// boundaries, empty, or overlapping an earlier one are ignored, so a bad
// offset never breaks the page or the text.
func Highlight(body string, ents []news.Entity) []Segment {
	type span struct {
		news.Mention
		typ, name string
	}
	var spans []span
	for _, e := range ents {
		for _, m := range e.Mentions {
			if m.Start < 0 || m.End > len(body) || m.Start >= m.End || !boundary(body, m.Start) || !boundary(body, m.End) {
				continue
			}
			spans = append(spans, span{m, e.Type, e.Name})
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End))
	})
	var out []Segment
	pos := 0
	for _, s := range spans {
		if s.Start < pos {
			continue // overlaps the previous mention
		}
		if s.Start > pos {
			out = append(out, Segment{Text: body[pos:s.Start]})
		}
		out = append(out, Segment{Text: body[s.Start:s.End], Type: s.typ, Name: s.name})
		pos = s.End
	}
	if pos < len(body) {
		out = append(out, Segment{Text: body[pos:]})
	}
	return out
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

var funcs = template.FuncMap{
	"lower": strings.ToLower,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// isoDate is an article's publication date: the day is what it knows.
	"isoDate": func(t *time.Time) string { return t.UTC().Format("2006-01-02") },
	"entityURL": func(name string) string {
		return "/?" + url.Values{"entity": {name}}.Encode()
	},
	"topicURL": func(t string) string { return "/?" + url.Values{"topic": {t}}.Encode() },
	"pct":      func(f float64) int { return int(f*100 + 0.5) },
	"langName": func(code string) string {
		if l, ok := language.Get(code); ok {
			return l.Name
		}
		return code
	},
	// safeURL lets only http(s) links through to href.
	"safeURL": func(u string) string {
		if p, err := url.Parse(u); err == nil && (p.Scheme == "http" || p.Scheme == "https") {
			return p.String()
		}
		return ""
	},
}
