package story

import (
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Feature groups. Each is compared on its own (cosine) and the results are
// weighed: terms are words, cognates the first five letters of long words
// (what "inflation" and "inflazione" share), entities are ids or
// normalised names, numbers are digits and amounts, dates are ISO dates.
const (
	gTerm = iota
	gCognate
	gEntity
	gNumber
	gDate
	nGroups
)

var groupNames = [nGroups]string{"term", "cognate", "entity", "number", "date"}

// keep is how many of a document's heaviest features each group keeps.
var keep = [nGroups]int{40, 30, 24, 24, 8}

// feat is one weighted feature.
type feat struct {
	h uint64
	w float32
	g uint8
}

// Doc is an article ready for clustering: its features and its shingle
// sketch, made by NewDoc.
type Doc struct {
	Brief news.Brief
	Lang  string
	Time  time.Time
	// raw are the features with their counts, by group, before weighting.
	raw [nGroups]map[string]float64
	// sketch is the sorted sample of the text's shingle hashes.
	sketch []uint32
}

// NewDoc extracts the features of a brief. The time is the article's
// published time, else the time it was briefed. A published time later
// than the briefing (plus an hour of clock skew) is the submitter's
// mistake or a lie, and is not believed: it would move the window.
func NewDoc(br news.Brief) *Doc {
	d := &Doc{Brief: br, Lang: br.Language.Code, Time: br.CreatedAt}
	if p := br.Source.PublishedAt; p != nil && !p.IsZero() && (br.CreatedAt.IsZero() || !p.After(br.CreatedAt.Add(time.Hour))) {
		d.Time = *p
	}
	for g := range d.raw {
		d.raw[g] = map[string]float64{}
	}
	words := fold(br.Title + " . " + br.Body)
	titleWords := len(fold(br.Title))
	for i, w := range words {
		tf := 1.0
		if i < titleWords {
			tf = 2 // the title says what the story is
		}
		if isNumber(w) {
			if n := normNumber(w); len(n) >= 2 {
				d.raw[gNumber][n] += tf
			}
			continue
		}
		if len([]rune(w)) < 3 || stop[w] {
			continue
		}
		d.raw[gTerm][w] += tf
		if r := []rune(w); len(r) >= 6 {
			d.raw[gCognate][string(r[:5])] += tf
		}
	}
	for _, e := range br.Entities {
		n := float64(max(e.Count, 1))
		switch e.Type {
		case news.Money, news.Percent, news.Quantity:
			if e.Value != nil {
				d.raw[gNumber][amountKey(e)] += n
			}
		case news.Date:
			if len(e.ISO) >= 7 {
				d.raw[gDate][e.ISO] += n
			}
		default:
			if k := EntityKey(e); k != "" {
				d.raw[gEntity][k] += n
			}
		}
	}
	d.sketch = sketch(words)
	return d
}

// EntityKey is how entities are matched across articles and languages: the
// knowledge-base id when the entity has one, else its normalised name.
func EntityKey(e news.Entity) string {
	if e.ID != "" {
		return "id:" + e.ID
	}
	n := strings.Join(fold(e.Name), " ")
	if n == "" {
		return ""
	}
	return n
}

func amountKey(e news.Entity) string {
	v := strconv.FormatFloat(*e.Value, 'g', 4, 64)
	switch e.Type {
	case news.Money:
		return "money:" + e.Currency + ":" + v
	case news.Percent:
		return "pct:" + v
	}
	return "qty:" + v
}

// fold splits text into lower-case words without diacritics; digits and
// their separators stay in one word ("2,1", "1.500").
func fold(s string) []string {
	if !ascii(s) {
		s = norm.NFD.String(s)
	}
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			w := strings.TrimRight(b.String(), ".,")
			if w != "" {
				out = append(out, w)
			}
			b.Reset()
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '.' || r == ',') && b.Len() > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && isNumber(b.String()):
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isNumber(w string) bool {
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for _, c := range w {
		if !(c >= '0' && c <= '9' || c == '.' || c == ',') {
			return false
		}
	}
	return true
}

// normNumber drops separators, so that "2,1" (Italian) and "2.1"
// (English), "1.500" and "1,500", meet.
func normNumber(w string) string {
	return strings.NewReplacer(".", "", ",", "").Replace(w)
}

// sketch samples the text's word 5-shingles: hashes ≡ 0 mod 4, the first
// 64 in text order (about the first 250 words), sorted. A copy shares its
// original's sample.
func sketch(words []string) []uint32 {
	const k, cap = 5, 64
	var out []uint32
	h := fnv.New32a()
	for i := 0; i+k <= len(words) && len(out) < cap; i++ {
		h.Reset()
		for _, w := range words[i : i+k] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		if v := h.Sum32(); v%4 == 0 {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return uniq(out)
}

func uniq(s []uint32) []uint32 {
	if len(s) == 0 {
		return s
	}
	j := 1
	for i := 1; i < len(s); i++ {
		if s[i] != s[j-1] {
			s[j] = s[i]
			j++
		}
	}
	return s[:j]
}

// containment is |a∩b| / min(|a|,|b|) of two sorted samples.
func containment(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return float64(n) / float64(min(len(a), len(b)))
}

// key hashes a group and feature name.
func key(g int, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(g)})
	h.Write([]byte(s))
	return h.Sum64()
}

// vector weighs d's features with the index's document frequencies
// ((1+ln tf)·idf), keeps each group's heaviest and L2-normalises each
// group. names maps the kept features' keys back to "group:name".
func (x *Index) vector(d *Doc) (vec []feat, names map[uint64]string) {
	names = map[uint64]string{}
	for g := 0; g < nGroups; g++ {
		type kv struct {
			name string
			h    uint64
			w    float64
		}
		var fs []kv
		for name, tf := range d.raw[g] {
			h := key(g, name)
			fs = append(fs, kv{name, h, (1 + math.Log(tf)) * x.idf(h)})
		}
		sort.Slice(fs, func(i, j int) bool {
			if fs[i].w != fs[j].w {
				return fs[i].w > fs[j].w
			}
			return fs[i].name < fs[j].name
		})
		if len(fs) > keep[g] {
			fs = fs[:keep[g]]
		}
		var norm float64
		for _, f := range fs {
			norm += f.w * f.w
		}
		norm = math.Sqrt(norm)
		for _, f := range fs {
			vec = append(vec, feat{h: f.h, w: float32(f.w / norm), g: uint8(g)})
			names[f.h] = groupNames[g] + ":" + f.name
		}
	}
	sortFeats(vec)
	return vec, names
}

func sortFeats(v []feat) { sort.Slice(v, func(i, j int) bool { return v[i].h < v[j].h }) }

// idf is the smoothed inverse document frequency of a feature in the
// window: features in every article weigh little, rare ones much.
func (x *Index) idf(h uint64) float64 {
	return math.Log((float64(x.docs) + 20) / (float64(x.df[h]) + 1))
}
