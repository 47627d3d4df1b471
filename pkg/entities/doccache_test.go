package entities

import (
	"math"
	"slices"
	"testing"
)

// TestDocCacheMatchesTag checks that the document cache gives the gated
// tagger's emissions bit for bit, and its tags, with both models on every
// labelled and article sentence, one cache per 40 sentences (so most words
// are found in it, as in an article).
func TestDocCacheMatchesTag(t *testing.T) {
	o := offline(t)
	sents := testSentences(t)
	for _, lang := range []string{"it", "en"} {
		m := o.models[lang]
		if !m.cacheable() {
			t.Fatalf("%s model: not cacheable", lang)
		}
		var c *docCache
		var want tagScratch
		diffs := 0
		for si, s := range sents {
			if si%40 == 0 {
				if c != nil {
					c.release()
				}
				c = newDocCache()
			}
			if len(s) == 0 {
				continue
			}
			m.emissions(&want, s, true)
			m.emissionsCached(&c.scratch, s, nil, nil, c)
			got := c.scratch.em[:len(s)*len(m.Tags)]
			for k, w := range want.em[:len(s)*len(m.Tags)] {
				if math.Float64bits(got[k]) != math.Float64bits(w) {
					if diffs < 5 {
						t.Errorf("%s: %q: emission %d = %v, want %v", lang, s, k, got[k], w)
					}
					diffs++
					break
				}
			}
			if g, w := m.tagCached(s, nil, nil, c), m.tag(s, true); !slices.Equal(g, w) {
				t.Errorf("%s: tagCached(%q)\n got %v\nwant %v", lang, s, g, w)
			}
		}
		c.release()
		t.Logf("%s model: %d sentences, %d differ", lang, len(sents), diffs)
	}
}

// TestWeightsExact checks the property the document cache's regrouped sums
// rely on: every weight of both models is an integer multiple of one unit u
// and below 2^39·u in magnitude.
func TestWeightsExact(t *testing.T) {
	o := offline(t)
	for lang, m := range o.models {
		var minAbs float64 = math.Inf(1)
		m.tab.each(func(_ uint64, w []float32) {
			for _, v := range w {
				if a := math.Abs(float64(v)); a > 0 && a < minAbs {
					minAbs = a
				}
			}
		})
		// The smallest weight is the scale (q = ±1); u is its float32 ulp.
		_, e := math.Frexp(minAbs)
		u := math.Ldexp(1, e-24)
		bad := 0
		m.tab.each(func(_ uint64, w []float32) {
			for _, v := range w {
				q := float64(v) / u
				if q != math.Trunc(q) || math.Abs(q) >= 1<<39 {
					bad++
				}
			}
		})
		if bad > 0 {
			t.Errorf("%s model: %d weights are not multiples of %g below 2^39 times it", lang, bad, u)
		}
	}
}
