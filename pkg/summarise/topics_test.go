package summarise

import (
	"sort"
	"strings"
	"testing"
)

// TestCueCountsMatchTermIndex checks the compiled cue trie against the
// term index it replaced (kept below, renamed ref*): every cue of every
// topic must get the same count on the words of every golden case, as a
// body and as a title + lead.
func TestCueCountsMatchTermIndex(t *testing.T) {
	cs := compiledCues()
	n := len(cs.cues)
	checked := 0
	for _, c := range ownCases(t) {
		a := analyse(new(scratch), c.Title, c.Body, c.Lang)
		lists := [][]word{a.body, a.title}
		for _, s := range a.sents {
			lists = append(lists, append(append([]word(nil), a.title...), s.words...))
		}
		for _, words := range lists {
			got, after := make([]int32, n), make([]int32, n)
			cs.count(words, got, after)
			ix := refNewTermIndex(words)
			for ti, topic := range Taxonomy {
				for k, term := range topicTerms[topic] {
					if want := ix.count(stripWeak(term)); int(got[cs.byTopic[ti][k]]) != want {
						t.Fatalf("%s: cue %q of %s: got %d, term index says %d", c.Name, term, topic, got[cs.byTopic[ti][k]], want)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d counts checked", checked)
}

// TestCuePhrases checks the counting rules of phrases on made-up text.
func TestCuePhrases(t *testing.T) {
	for _, text := range []string{
		"serie a serie a serie a", "la serie a, serie a e serie A", "giro d'italia giro italia",
		"language models language model language", "AI agents ai agents Agenti AI agenti ai",
		"Wind Tre wind tre wind tre", "infrastrutture cloud infrastruttura cloud cloud",
	} {
		words := tokenize(text)
		cs := compiledCues()
		got, after := make([]int32, len(cs.cues)), make([]int32, len(cs.cues))
		cs.count(words, got, after)
		ix := refNewTermIndex(words)
		for ti, topic := range Taxonomy {
			for k, term := range topicTerms[topic] {
				if want := ix.count(stripWeak(term)); int(got[cs.byTopic[ti][k]]) != want {
					t.Errorf("%q: cue %q: got %d, want %d", text, term, got[cs.byTopic[ti][k]], want)
				}
			}
		}
	}
}

// refTermIndex counts cue terms in a text without rescanning it per term.
type refTermIndex struct {
	words  []word
	lower  map[string]int // lower-case word → occurrences
	sorted []string       // the keys of lower, sorted, for prefix search
	capped map[string]int // lower-case word → capitalised occurrences
	joined string         // " w1 w2 … " for phrase search
}

func refNewTermIndex(words []word) *refTermIndex {
	ix := &refTermIndex{words: words, lower: make(map[string]int), capped: make(map[string]int)}
	var b strings.Builder
	b.WriteByte(' ')
	for _, w := range words {
		ix.lower[w.lower]++
		if w.cap {
			ix.capped[w.lower]++
		}
		b.WriteString(w.lower)
		b.WriteByte(' ')
	}
	ix.joined = b.String()
	ix.sorted = make([]string, 0, len(ix.lower))
	for w := range ix.lower {
		ix.sorted = append(ix.sorted, w)
	}
	sort.Strings(ix.sorted)
	return ix
}

// count counts occurrences of one cue term.
func (ix *refTermIndex) count(term string) int {
	if strings.Contains(term, " ") {
		if !strings.Contains(term, "*") && !strings.HasPrefix(term, "=") {
			return strings.Count(ix.joined, " "+term+" ")
		}
		return refCountTerm(ix.words, term)
	}
	switch {
	case strings.HasPrefix(term, "="):
		return ix.capped[term[1:]]
	case strings.HasSuffix(term, "*"):
		p, n := term[:len(term)-1], 0
		for i := sort.SearchStrings(ix.sorted, p); i < len(ix.sorted) && strings.HasPrefix(ix.sorted[i], p); i++ {
			n += ix.lower[ix.sorted[i]]
		}
		return n
	}
	return ix.lower[term]
}

// refCountTerm counts occurrences of one cue term in words, the slow way.
func refCountTerm(words []word, term string) int {
	parts := strings.Fields(term)
	n := 0
	for i := 0; i+len(parts) <= len(words); i++ {
		ok := true
		for j, p := range parts {
			if !refMatchTerm(words[i+j], p) {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// refMatchTerm matches one word against one cue: "x*" is a prefix, "=x" must be
// capitalised in the text (AI the topic, not "ai" the Italian preposition).
func refMatchTerm(w word, p string) bool {
	if strings.HasPrefix(p, "=") {
		return w.cap && w.lower == p[1:]
	}
	if strings.HasSuffix(p, "*") {
		return strings.HasPrefix(w.lower, p[:len(p)-1])
	}
	return w.lower == p
}

func stripWeak(term string) string { t, _ := cueTerm(term); return t }
