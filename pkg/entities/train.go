package entities

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
)

// TrainOptions controls Train.
type TrainOptions struct {
	Epochs int
	// Prune drops features whose largest absolute averaged weight is below
	// this value, to keep the embedded model small.
	Prune float64
	// MinLower is how often a word must be seen in lower case (and more often
	// than capitalised) to count as a common word.
	MinLower int
	Seed     uint64
	// Lexicon maps lower-cased words to entity-type bits (see LexiconFrom).
	// Build it from data other than the training sentences, so the tagger
	// learns how far to trust it on unseen names.
	Lexicon map[string]uint8
	// Folds > 1 adds the training sentences' own entity words to the
	// lexicon, jackknifed: each fold is featurised with a lexicon built from
	// the other folds, so the feature behaves on training data as it will
	// on unseen text.
	Folds int
	// Weights, if not nil, holds a weight per training sentence (1 when
	// nil) that scales its perceptron updates. Up-weighting the in-domain
	// GUM sentences did not help (README); kept to measure such choices.
	Weights []float64
	// Repeat applies Weights by visiting a sentence round(weight) times per
	// epoch instead of scaling its updates.
	Repeat bool
	// Runs > 1 trains Runs models that differ only in the shuffling seed
	// (Seed, Seed+1, ...) and keeps the mean of their averaged weights: one
	// perceptron's F1 moves with the order it saw the sentences in, the mean
	// of several moves less and scores higher.
	Runs int
	// Margin > 0 trains with loss-augmented decoding: every tag but the
	// gold one gets Margin added to its score, so a sentence also updates
	// the weights when the gold path wins by less than Margin per token.
	Margin float64
	Log    io.Writer
}

// Train fits an averaged perceptron on IOB2-labelled sentences. Tags outside
// the sentences' own set are never predicted.
func Train(tokens, tags [][]string, opt TrainOptions) (*Model, error) {
	if len(tokens) != len(tags) {
		return nil, fmt.Errorf("training: %d token sentences but %d tag sentences", len(tokens), len(tags))
	}
	if opt.Weights != nil && len(opt.Weights) != len(tokens) {
		return nil, fmt.Errorf("training: %d sentences but %d weights", len(tokens), len(opt.Weights))
	}
	if opt.Epochs <= 0 {
		opt.Epochs = 8
	}
	if opt.Runs > 1 {
		return trainRuns(tokens, tags, opt)
	}
	if opt.MinLower <= 0 {
		opt.MinLower = 2
	}
	_, gaz, err := loadAliases()
	if err != nil {
		return nil, err
	}
	// tag set, O first
	seen := map[string]bool{}
	for _, s := range tags {
		for _, t := range s {
			seen[t] = true
		}
	}
	tagList := []string{"O"}
	for t := range seen {
		if t != "O" {
			tagList = append(tagList, t)
		}
	}
	sort.Strings(tagList[1:])
	tagIdx := map[string]int{}
	for i, t := range tagList {
		tagIdx[t] = i
	}
	// common lower-case words
	lc, uc := map[string]int{}, map[string]int{}
	for _, s := range tokens {
		for i, w := range s {
			l := strings.ToLower(w)
			if w == l {
				lc[l]++
			} else if i > 0 {
				uc[l]++
			}
		}
	}
	m := &Model{Tags: tagList, gaz: gaz, lower: map[uint64]bool{}, index: map[uint64]int32{}}
	for w, n := range lc {
		hasLetter := strings.IndexFunc(w, unicode.IsLetter) >= 0
		if n >= opt.MinLower && n > uc[w] && hasLetter {
			m.lower[hstr(fnvOff, w)] = true
		}
	}
	toLex := func(words ...map[string]uint8) map[uint64]uint8 {
		out := map[uint64]uint8{}
		for _, ws := range words {
			for w, b := range ws {
				out[hstr(fnvOff, w)] |= b
			}
		}
		return out
	}
	nt := len(tagList)
	static := make([][][]uint64, len(tokens))
	if opt.Folds > 1 {
		for k := range opt.Folds {
			var ot, og [][]string
			for i := range tokens {
				if i*opt.Folds/len(tokens) != k {
					ot, og = append(ot, tokens[i]), append(og, tags[i])
				}
			}
			m.lex = toLex(opt.Lexicon, LexiconFrom(ot, og))
			for i, s := range tokens {
				if i*opt.Folds/len(tokens) == k {
					static[i] = m.staticFeatures(s)
				}
			}
		}
		m.lex = toLex(opt.Lexicon, LexiconFrom(tokens, tags))
	} else {
		m.lex = toLex(opt.Lexicon)
		for i, s := range tokens {
			static[i] = m.staticFeatures(s)
		}
	}
	// weights, running totals and last-update stamps for averaging
	var w, tot []float64
	var stamp []int
	row := func(f uint64, create bool) int {
		r, ok := m.index[f]
		if !ok {
			if !create {
				return -1
			}
			r = int32(len(m.index))
			m.index[f] = r
			w = append(w, make([]float64, nt)...)
			tot = append(tot, make([]float64, nt)...)
			stamp = append(stamp, make([]int, nt)...)
		}
		return int(r)
	}
	clock := 0
	upd := func(r, k int, d float64) {
		i := r*nt + k
		tot[i] += float64(clock-stamp[i]) * w[i]
		stamp[i] = clock
		w[i] += d
	}
	order := make([]int, 0, len(tokens))
	for i := range tokens {
		n := 1
		if opt.Repeat && opt.Weights != nil {
			n = int(math.Round(opt.Weights[i]))
		}
		for range n {
			order = append(order, i)
		}
	}
	weight := func(si int) float64 {
		if opt.Repeat || opt.Weights == nil {
			return 1
		}
		return opt.Weights[si]
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 1))
	lws := make([][]string, len(tokens))
	for si, s := range tokens {
		lws[si] = make([]string, len(s))
		for i, w := range s {
			lws[si][i] = strings.ToLower(w)
		}
	}
	prevName := func(p int) string {
		if p == nt {
			return "<s>"
		}
		return tagList[p]
	}
	add := func(f uint64, dst []float64) {
		if r, ok := m.index[f]; ok {
			for k, v := range w[int(r)*nt : int(r+1)*nt] {
				dst[k] += v
			}
		}
	}
	for ep := 0; ep < opt.Epochs; ep++ {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		errs, n := 0, 0
		for _, si := range order {
			clock++
			toks, gold, lw, st := tokens[si], tags[si], lws[si], static[si]
			sw := weight(si)
			pred := viterbi(len(toks), tagList,
				func(i int, dst []float64) {
					for _, f := range st[i] {
						add(f, dst)
					}
					if opt.Margin > 0 {
						g := tagIdx[gold[i]]
						for k := range dst {
							if k != g {
								dst[k] += opt.Margin
							}
						}
					}
				},
				func(i, p int, dst []float64) {
					for _, f := range transFeatures(prevName(p), lw[i]) {
						add(f, dst)
					}
				})
			gp, pp := nt, nt
			for i := range toks {
				g, p := tagIdx[gold[i]], pred[i]
				n++
				if g != p {
					errs++
					for _, f := range st[i] {
						r := row(f, true)
						upd(r, g, sw)
						upd(r, p, -sw)
					}
				}
				if g != p || gp != pp {
					for _, f := range transFeatures(prevName(gp), lw[i]) {
						upd(row(f, true), g, sw)
					}
					for _, f := range transFeatures(prevName(pp), lw[i]) {
						upd(row(f, true), p, -sw)
					}
				}
				gp, pp = g, p
			}
		}
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "epoch %d: token error %.4f, features %d\n", ep+1, float64(errs)/float64(n), len(m.index))
		}
	}
	// average and prune
	old := m.index
	m.index = make(map[uint64]int32)
	for f, r := range old {
		avg := make([]float32, nt)
		var mx float64
		for k := range nt {
			i := int(r)*nt + k
			t := tot[i] + float64(clock-stamp[i])*w[i]
			a := t / float64(clock)
			avg[k] = float32(a)
			mx = math.Max(mx, math.Abs(a))
		}
		if mx < opt.Prune || mx == 0 {
			continue
		}
		m.index[f] = int32(len(m.index))
		m.w = append(m.w, avg...)
	}
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "kept %d of %d features, %d common words\n", len(m.index), len(old), len(m.lower))
	}
	m.tab = newFeatTable(len(m.index), nt)
	for f, r := range m.index {
		m.tab.put(f, m.w[int(r)*nt:int(r+1)*nt])
	}
	m.index, m.w = nil, nil
	m.prepare()
	return m, nil
}

// trainRuns trains opt.Runs models that differ only in the shuffling seed and
// averages their weights into one model of the same size and speed.
func trainRuns(tokens, tags [][]string, opt TrainOptions) (*Model, error) {
	runs, prune := opt.Runs, opt.Prune
	opt.Runs, opt.Prune = 1, 0
	sum := map[uint64][]float64{}
	var m *Model
	for r := range runs {
		o := opt
		o.Seed = opt.Seed + uint64(r)
		var err error
		if m, err = Train(tokens, tags, o); err != nil {
			return nil, err
		}
		m.tab.each(func(h uint64, w []float32) {
			a := sum[h]
			if a == nil {
				a = make([]float64, len(w))
				sum[h] = a
			}
			for k, v := range w {
				a[k] += float64(v)
			}
		})
	}
	nt := len(m.Tags)
	keep := map[uint64][]float32{}
	for h, a := range sum {
		avg := make([]float32, nt)
		var mx float64
		for k, v := range a {
			avg[k] = float32(v / float64(runs))
			mx = math.Max(mx, math.Abs(v/float64(runs)))
		}
		if mx >= prune && mx > 0 {
			keep[h] = avg
		}
	}
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "%d runs: kept %d of %d features\n", runs, len(keep), len(sum))
	}
	m.tab = newFeatTable(len(keep), nt)
	for h, w := range keep {
		m.tab.put(h, w)
	}
	m.prepare()
	return m, nil
}
