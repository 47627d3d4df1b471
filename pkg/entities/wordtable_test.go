package entities

import (
	"slices"
	"testing"
)

// TestWordTable stores keys that collide in their slot, key 0 and words with
// and without clusters, and reads each back; absent keys read as zero.
func TestWordTable(t *testing.T) {
	words := map[uint64]wordInfo{0: {lex: 1}, 7: {lowerKnown: true, cl: []string{"1", "1/2"}}, 1 << 40: {lex: 3, cl: []string{"1", "1/2"}}}
	for k := range uint64(200) {
		words[k<<58|k] = wordInfo{lex: uint8(k), cl: []string{"2", "2/" + string(rune('a'+k%5))}}
	}
	tab := newWordTable(words)
	for h, want := range words {
		got := tab.get(h)
		if got.lex != want.lex || got.lowerKnown != want.lowerKnown || !slices.Equal(got.cl, want.cl) {
			t.Errorf("get(%#x) = %+v, want %+v", h, got, want)
		}
	}
	for _, h := range []uint64{1, 8, 1 << 41, 201<<50 | 1} {
		if got := tab.get(h); got.lex != 0 || got.lowerKnown || got.cl != nil {
			t.Errorf("absent get(%#x) = %+v", h, got)
		}
	}
	if len(tab.cls) != 6 {
		t.Errorf("%d cluster paths stored, want 6", len(tab.cls))
	}
}

// TestModelWordTables checks both models' word tables against the lexicon,
// the lower-case vocabularies and the clusters they are built from.
func TestModelWordTables(t *testing.T) {
	o := offline(t)
	clus, err := wordClusters()
	if err != nil {
		t.Fatal(err)
	}
	for lang, m := range o.models {
		bad := 0
		check := func(h uint64, want wordInfo) {
			got := m.words.get(h)
			if got.lex != want.lex || got.lowerKnown != want.lowerKnown || !slices.Equal(got.cl, want.cl) {
				bad++
			}
		}
		for w, cl := range clus {
			h := hstr(fnvOff, w)
			check(h, wordInfo{lex: m.lex[h], lowerKnown: m.lower[h] || clusterLow[w], cl: cl})
		}
		for h, lx := range m.lex {
			if _, ok := clusterWord(clus, h); !ok {
				check(h, wordInfo{lex: lx, lowerKnown: m.lower[h]})
			}
		}
		if bad > 0 {
			t.Errorf("%s model: %d words read back wrong", lang, bad)
		}
	}
}

var clusterHashes map[uint64]string

func clusterWord(clus map[string][]string, h uint64) (string, bool) {
	if clusterHashes == nil {
		clusterHashes = map[uint64]string{}
		for w := range clus {
			clusterHashes[hstr(fnvOff, w)] = w
		}
	}
	w, ok := clusterHashes[h]
	return w, ok
}
