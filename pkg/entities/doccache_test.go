package entities

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
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
				c = newDocCache(m)
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

// TestExtractConcurrent runs All from 4 goroutines on a fresh engine (its
// models' word caches filling as they go) and checks every result against a
// second fresh engine run sequentially.
func TestExtractConcurrent(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(shared.Path(t, "articles"), "*.txt"))
	if testing.Short() && len(files) > 24 {
		files = files[:12:12]
		files = append(files, files[len(files)-12:]...)
	}
	var bodies, langs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"it", "en"} {
			bodies, langs = append(bodies, string(b)), append(langs, lang)
		}
	}
	seq, err := NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(bodies))
	for i := range bodies {
		b, _ := json.Marshal(seq.All(bodies[i], langs[i]))
		want[i] = string(b)
	}
	par, err := NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(bodies))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(bodies); i += 4 {
				b, _ := json.Marshal(par.All(bodies[(i*7)%len(bodies)], langs[(i*7)%len(bodies)]))
				got[(i*7)%len(bodies)] = string(b)
			}
		})
	}
	wg.Wait()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s (%s): concurrent result differs", files[i/2], langs[i])
		}
	}
	for lang, m := range par.models {
		t.Logf("%s model: %d shared words", lang, m.nShared.Load())
	}
}

// freezeWordCaches stops o's models from adding words to their caches, as
// if they were full (for BenchmarkAllHeldOut).
func freezeWordCaches(o *Offline) {
	for _, m := range o.models {
		m.share(nil, true)
		m.nShared.Store(sharedWords)
	}
}
