package summarise

import (
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// keywords ranks candidate terms: entity names (given, or runs of
// capitalised words), then content words. A term's score is its frequency,
// doubled in the first paragraph and tripled in the title; names score
// half again.
func keywords(sc *scratch, a article, ents []news.Entity) []string {
	// Terms in order of first appearance, found by their lower case.
	terms, index := sc.terms[:0], sc.kwIndex
	defer func() { sc.terms = terms }()
	add := func(surface, lower string, w float64) {
		i, ok := index[lower]
		if !ok {
			i = int32(len(terms))
			terms = append(terms, kwTerm{text: surface, first: len(terms)})
			index[lower] = i
		}
		terms[i].score += w
	}
	weight := func(para int) float64 {
		if para == 0 {
			return 2
		}
		return 1
	}
	if len(ents) > 0 {
		for _, e := range ents {
			switch e.Type {
			case news.Money, news.Percent, news.Quantity, news.Date:
				continue
			}
			if e.Name == "" {
				continue
			}
			add(e.Name, strings.ToLower(e.Name), 1+1.5*float64(max(e.Count, len(e.Mentions), 1)))
		}
	}
	var phrases []string
	for _, s := range a.sents {
		w := weight(s.para)
		phrases = capPhrases(phrases[:0], s.words)
		for _, ph := range phrases {
			add(ph, strings.ToLower(ph), 1.5*w)
		}
		for j, wd := range s.words {
			if !wd.cont || wd.num || wd.runes < 4 {
				continue
			}
			if wd.cap && j > 0 {
				continue // counted as a name
			}
			add(wd.lower, wd.lower, w) // lower is its own lower case
		}
	}
	for _, wd := range a.title {
		if i, ok := index[wd.lower]; ok && wd.cont {
			terms[i].score += 3
		}
	}
	list := make([]*kwTerm, 0, len(terms))
	for i := range terms {
		if terms[i].score >= 2 {
			list = append(list, &terms[i])
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return list[i].first < list[j].first
	})
	var out []string
	for _, t := range list {
		if len(out) == maxKeywords {
			break
		}
		lt := strings.ToLower(t.text)
		dup := false
		for _, o := range out {
			lo := strings.ToLower(o)
			if strings.Contains(lo, lt) || strings.Contains(lt, lo) ||
				truncate(lo, keyLen) == truncate(lt, keyLen) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t.text)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// kwTerm is a keyword candidate.
type kwTerm struct {
	text  string
	score float64
	first int
}

// capPhrases appends to out the runs of capitalised non-stopwords,
// skipping a sentence-initial word unless it continues into a run ("Sam
// Altman").
func capPhrases(out []string, words []word) []string {
	start, n := 0, 0 // the current run is words[start:start+n]
	flush := func() {
		if n > 0 && !(start == 0 && n == 1) {
			if n == 1 {
				out = append(out, words[start].surface)
			} else {
				var b strings.Builder
				for k, w := range words[start : start+n] {
					if k > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(w.surface)
				}
				out = append(out, b.String())
			}
		}
		n = 0
	}
	for j, w := range words {
		if w.cap && !w.stop && !w.num {
			if n == 0 {
				start = j
			}
			n++
			continue
		}
		flush()
	}
	flush()
	return out
}
