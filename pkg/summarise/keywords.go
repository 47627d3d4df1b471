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
func keywords(a article, ents []news.Entity) []string {
	type term struct {
		text  string
		score float64
		first int
	}
	terms := make(map[string]*term)
	order := 0
	add := func(surface string, w float64) {
		k := strings.ToLower(surface)
		t, ok := terms[k]
		if !ok {
			t = &term{text: surface, first: order}
			order++
			terms[k] = t
		}
		t.score += w
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
			add(e.Name, 1+1.5*float64(max(e.Count, len(e.Mentions), 1)))
		}
	}
	for _, s := range a.sents {
		w := weight(s.para)
		for _, ph := range capPhrases(s.words) {
			add(ph, 1.5*w)
		}
		for j, wd := range s.words {
			if !wd.cont || wd.num || wd.runes < 4 {
				continue
			}
			if wd.cap && j > 0 {
				continue // counted as a name
			}
			add(wd.lower, w)
		}
	}
	for _, wd := range a.title {
		if t, ok := terms[wd.lower]; ok && wd.cont {
			t.score += 3
		}
	}
	list := make([]*term, 0, len(terms))
	for _, t := range terms {
		if t.score >= 2 {
			list = append(list, t)
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

// capPhrases returns runs of capitalised non-stopwords, skipping a
// sentence-initial word unless it continues into a run ("Sam Altman").
func capPhrases(words []word) []string {
	var out []string
	var run []string
	flush := func(startIdx int) {
		if len(run) > 0 && !(startIdx == 0 && len(run) == 1) {
			out = append(out, strings.Join(run, " "))
		}
		run = run[:0]
	}
	start := 0
	for j, w := range words {
		if w.cap && !w.stop && !w.num {
			if len(run) == 0 {
				start = j
			}
			run = append(run, w.surface)
			continue
		}
		flush(start)
	}
	flush(start)
	return out
}
