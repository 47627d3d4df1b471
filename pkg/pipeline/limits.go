package pipeline

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Limits bound what one article can make the pipeline produce, whatever
// the engine (offline or LLM) and whatever the text: 1 MiB of "$1 " used to
// give 349k mentions and a 27 MB brief (issue #13). With them, the entities
// stage's output and the brief are the body plus at most about 400 KB.
// Extract and Summarise apply them; each cut is counted through
// Pipeline.Limited (metric newsbrief_limited_total{what}).
type Limits struct {
	// MentionsPerEntity is the most mentions an entity keeps; Count still
	// says how many there were.
	MentionsPerEntity int
	// Entities is the most entities an article keeps: those mentioned most
	// (first mentioned first on a tie), in their original order.
	Entities int
	// SummaryBytes bounds the summary; KeyPointBytes each key point, of
	// which at most KeyPoints are kept; HeadlineBytes the headline.
	SummaryBytes, KeyPointBytes, KeyPoints, HeadlineBytes int
	// Words bounds topics and keywords (each list); Translations the
	// number of translated briefs (LLM only).
	Words, Translations int
}

// DefaultLimits are the limits when Pipeline.Limits is the zero value. Real
// articles stay below them: the 124 shared Wikinews articles and the seed
// have at most 77 entities, 31 mentions of one entity and 157 tokens in a
// sentence. At the limits the entities add at most about 200 × 64 mentions ×
// 30 bytes ≈ 400 KB of JSON to the article.
var DefaultLimits = Limits{
	MentionsPerEntity: 64,
	Entities:          200,
	SummaryBytes:      4 << 10,
	KeyPointBytes:     1 << 10,
	KeyPoints:         10,
	HeadlineBytes:     512,
	Words:             32,
	Translations:      8,
}

// What each cut is counted as, in Pipeline.Limited.
const (
	LimitMerged   = "merged_mentions" // identical entities or mentions merged
	LimitMentions = "mentions"        // mentions dropped over MentionsPerEntity
	LimitEntities = "entities"        // entities dropped over Entities
	LimitText     = "brief_text"      // summary, key point, headline or list cut
)

func (p *Pipeline) limits() Limits {
	if p.Limits == (Limits{}) {
		return DefaultLimits
	}
	return p.Limits
}

func (p *Pipeline) limited(what string, n int) {
	if n > 0 && p.Limited != nil {
		p.Limited(what, n)
	}
}

// entityKey is what makes two entities the same entity.
type entityKey struct {
	name, typ, currency, unit, qualifier, iso string
	value                                     float64
	hasValue, approx                          bool
}

func keyOf(e news.Entity) entityKey {
	k := entityKey{name: e.Name, typ: e.Type, currency: e.Currency, unit: e.Unit, qualifier: e.Qualifier, iso: e.ISO, approx: e.Approximate}
	if e.Value != nil {
		k.value, k.hasValue = *e.Value, true
	}
	return k
}

// BoundEntities merges identical entities and identical mentions, then cuts
// the list to l; it reports how many mentions were merged, how many
// mentions and how many entities were dropped. The result's size is bounded
// by l whatever the input, and ents is not modified.
func BoundEntities(ents []news.Entity, l Limits) (out []news.Entity, merged, droppedMentions, droppedEntities int) {
	index := make(map[entityKey]int, len(ents))
	out = make([]news.Entity, 0, min(len(ents), l.Entities))
	var counts []int // mentions found per entity in out, before dedup
	for _, e := range ents {
		k := keyOf(e)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			e.Mentions = slices.Clone(e.Mentions)
			out = append(out, e)
			counts = append(counts, max(e.Count, len(e.Mentions)))
			continue
		}
		merged += len(e.Mentions)
		out[i].Mentions = append(out[i].Mentions, e.Mentions...)
		counts[i] += max(e.Count, len(e.Mentions))
	}
	for i := range out {
		ms := out[i].Mentions
		slices.SortFunc(ms, func(a, b news.Mention) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		n := len(ms)
		ms = slices.Compact(ms)
		counts[i] -= n - len(ms)
		merged += n - len(ms)
		if len(ms) > l.MentionsPerEntity {
			droppedMentions += len(ms) - l.MentionsPerEntity
			ms = ms[:l.MentionsPerEntity:l.MentionsPerEntity]
		}
		out[i].Mentions = ms
		out[i].Count = max(counts[i], len(ms))
	}
	if len(out) > l.Entities {
		order := make([]int, len(out))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(out[b].Count, out[a].Count) })
		keep := order[:l.Entities]
		slices.Sort(keep)
		kept := make([]news.Entity, len(keep))
		for i, j := range keep {
			kept[i] = out[j]
		}
		droppedEntities = len(out) - len(kept)
		out = kept
	}
	return out, merged, droppedMentions, droppedEntities
}

// limitSummary cuts the summary's texts and lists to l and reports how
// many were cut. The lists are copied first: a summariser may hand out
// slices it keeps (a reply cache).
func limitSummary(s *Summary, l Limits) int {
	s.KeyPoints, s.Topics, s.Keywords = slices.Clone(s.KeyPoints), slices.Clone(s.Topics), slices.Clone(s.Keywords)
	s.Translations = slices.Clone(s.Translations)
	n := 0
	cut := func(t string, max int) string {
		if len(t) <= max {
			return t
		}
		n++
		return clip(t, max)
	}
	s.Headline = cut(s.Headline, l.HeadlineBytes)
	s.Summary = cut(s.Summary, l.SummaryBytes)
	if len(s.KeyPoints) > l.KeyPoints {
		n++
		s.KeyPoints = s.KeyPoints[:l.KeyPoints]
	}
	for i := range s.KeyPoints {
		s.KeyPoints[i] = cut(s.KeyPoints[i], l.KeyPointBytes)
	}
	list := func(ws []string) []string {
		if len(ws) > l.Words {
			n++
			ws = ws[:l.Words]
		}
		for i := range ws {
			ws[i] = cut(ws[i], l.HeadlineBytes)
		}
		return ws
	}
	s.Topics, s.Keywords = list(s.Topics), list(s.Keywords)
	if len(s.Translations) > l.Translations {
		n++
		s.Translations = s.Translations[:l.Translations]
	}
	for i := range s.Translations {
		t := &s.Translations[i]
		t.Headline, t.Summary = cut(t.Headline, l.HeadlineBytes), cut(t.Summary, l.SummaryBytes)
		t.KeyPoints = slices.Clone(t.KeyPoints)
		if len(t.KeyPoints) > l.KeyPoints {
			n++
			t.KeyPoints = t.KeyPoints[:l.KeyPoints]
		}
		for j := range t.KeyPoints {
			t.KeyPoints[j] = cut(t.KeyPoints[j], l.KeyPointBytes)
		}
	}
	return n
}

// clip cuts t to at most max bytes at a word boundary (or a rune boundary
// when a single word is longer) and ends it with "…".
func clip(t string, max int) string {
	const ell = "…"
	max -= len(ell)
	if max <= 0 {
		return ""
	}
	for max > 0 && !utf8.RuneStart(t[max]) {
		max--
	}
	c := t[:max]
	if i := strings.LastIndexAny(c, " \n\t"); i > max/2 {
		c = c[:i]
	}
	return strings.TrimRight(c, " \n\t,;:") + ell
}
