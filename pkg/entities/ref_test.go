package entities

// The tagger before the allocation-free rewrite (issue #7), kept verbatim as
// the reference: TestTagMatchesReference requires identical tags.

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

func refTransFeatures(p, lw string) [2]uint64 {
	return [2]uint64{feat("t-1", p), feat("t-1,w", p, lw)}
}

// staticFeatures computes the features of every token that do not depend on
// earlier tags.
func (m *Model) refStaticFeatures(toks []string) [][]uint64 {
	n := len(toks)
	lw := make([]string, n)
	sh := make([]string, n)
	caps := 0
	words := 0
	for i, t := range toks {
		t = stripElision(t)
		lw[i] = strings.ToLower(t)
		sh[i] = shape(t)
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsLetter(r) {
			words++
			if isCap(t) {
				caps++
			}
		}
	}
	headline := words >= 3 && caps*10 >= words*7
	gl := make([]string, n)
	for i, l := range lw {
		gl[i] = strings.ReplaceAll(l, "’", "'")
	}
	gz := m.gaz.match(gl)
	at := func(i int) (string, string) {
		if i < 0 {
			return "<s>", "<s>"
		}
		if i >= n {
			return "</s>", "</s>"
		}
		return lw[i], sh[i]
	}
	// first word of the sentence, skipping opening punctuation
	first := 0
	for first < n {
		r, _ := utf8.DecodeRuneInString(toks[first])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		first++
	}
	clus, _ := wordClusters() // a bad file is reported by NewOffline
	out := make([][]uint64, n)
	for i := range toks {
		w := stripElision(toks[i])
		l := lw[i]
		f := make([]uint64, 0, 40)
		add := func(name string, v ...string) { f = append(f, feat(name, v...)) }
		add("b")
		add("w", l)
		add("sh", sh[i])
		add("p2", prefix(l, 2))
		add("p3", prefix(l, 3))
		add("s2", suffix(l, 2))
		add("s3", suffix(l, 3))
		add("s4", suffix(l, 4))
		cp := isCap(w)
		ac := isAllCaps(w)
		lowerKnown := m.lower[hstr(fnvOff, l)] || commonLower(l)
		if cp {
			add("cap")
			if i == first {
				add("cap-first")
				add("cap-first-w", l)
				if lowerKnown {
					add("cap-first-lowerknown")
				}
			} else if lowerKnown {
				add("cap-lowerknown")
			}
			if headline {
				add("cap-headline")
				if lowerKnown {
					add("cap-headline-lowerknown")
				}
			}
		}
		if ac {
			add("allcaps")
			if headline {
				add("allcaps-headline")
			}
		}
		if i == first {
			add("first")
		}
		if w != toks[i] {
			add("elided-in-token")
		}
		pl, ps := at(i - 1)
		nl, ns := at(i + 1)
		pl2, _ := at(i - 2)
		nl2, _ := at(i + 2)
		add("w-1", pl)
		add("w+1", nl)
		add("w-2", pl2)
		add("w+2", nl2)
		add("sh-1", ps)
		add("sh+1", ns)
		add("sh-1,0", ps, sh[i])
		add("sh0,+1", sh[i], ns)
		add("w-1,0", pl, l)
		add("w0,+1", l, nl)
		add("sh-1,w0", ps, l)
		add("w-1,sh0", pl, sh[i])
		add("w-2,w-1,sh0", pl2, pl, sh[i])
		add("sh0,w+1", sh[i], nl)
		add("sh0,w+1,w+2", sh[i], nl, nl2)
		add("p1", prefix(l, 1))
		add("s1", suffix(l, 1))
		if i > 0 {
			add("w-1,s3", pl, suffix(l, 3))
		}
		if i > 0 {
			if last, _ := utf8.DecodeLastRuneInString(toks[i-1]); isApos(last) {
				add("after-elision")
			}
		}
		if lx := m.lex[hstr(fnvOff, l)]; lx != 0 {
			add("lexmask", string(rune('a'+lx)))
			for b, name := range lexTypes {
				if lx&(1<<b) != 0 {
					add("lex", name)
					add("lex-cap", name, sh[i])
				}
			}
		}
		if i > 0 {
			if lx := m.lex[hstr(fnvOff, lw[i-1])]; lx != 0 {
				add("lexmask-1", string(rune('a'+lx)))
			}
		}
		if i+1 < n {
			if lx := m.lex[hstr(fnvOff, lw[i+1])]; lx != 0 {
				add("lexmask+1", string(rune('a'+lx)))
			}
		}
		if cl := clus[l]; cl != nil {
			for k, p := range cl {
				add("c"+string(rune('0'+k)), p)
			}
			add("c-sh", cl[len(cl)-1], sh[i])
		} else {
			add("c-none", sh[i])
		}
		if i > 0 {
			if cl := clus[lw[i-1]]; cl != nil {
				add("c-1", cl[min(1, len(cl)-1)])
				add("c-1,w", cl[len(cl)-1], sh[i])
			}
		}
		if i+1 < n {
			if cl := clus[lw[i+1]]; cl != nil {
				add("c+1", cl[min(1, len(cl)-1)])
				add("c+1,w", cl[len(cl)-1], sh[i])
			}
		}
		if g := gz[i]; g != "" {
			add("gaz", g)
			add("gaz-sh", g, sh[i])
		}
		if i+1 < n && gz[i+1] != "" {
			add("gaz+1", gz[i+1])
		}
		if i > 0 && gz[i-1] != "" {
			add("gaz-1", gz[i-1])
		}
		out[i] = f
	}
	return out
}

// Tag labels one sentence with IOB2 tags (first-order Viterbi decoding).
func (m *Model) refTag(toks []string) []string {
	st := m.refStaticFeatures(toks)
	nt := len(m.Tags)
	lw := make([]string, len(toks))
	for i, t := range toks {
		lw[i] = strings.ToLower(t)
	}
	prevName := func(p int) string {
		if p == nt {
			return "<s>"
		}
		return m.Tags[p]
	}
	index := refWeights(m)
	add := func(f uint64, dst []float64) {
		if row, ok := index[f]; ok {
			for k, v := range row {
				dst[k] += float64(v)
			}
		}
	}
	path := refViterbi(len(toks), m.Tags,
		func(i int, dst []float64) {
			for _, f := range st[i] {
				add(f, dst)
			}
		},
		func(i, p int, dst []float64) {
			for _, f := range refTransFeatures(prevName(p), lw[i]) {
				add(f, dst)
			}
		})
	out := make([]string, len(toks))
	for i, k := range path {
		out[i] = m.Tags[k]
	}
	return out
}

// viterbi finds the best IOB2-valid tag sequence of n tokens. emit(i, dst)
// adds the static scores of token i for every tag to dst; trans(i, p, dst)
// adds the scores that depend on the previous tag p (p == len(tags) is the
// sentence start). Training and tagging share it, so the perceptron is
// trained with the decoder it is used with.
func refViterbi(n int, tags []string, emit func(i int, dst []float64), trans func(i, p int, dst []float64)) []int {
	nt := len(tags)
	if n == 0 {
		return nil
	}
	negInf := math.Inf(-1)
	score := make([]float64, n*nt)
	back := make([]int32, n*nt)
	em := make([]float64, nt)
	tr := make([]float64, nt)
	for i := range n {
		clear(em)
		emit(i, em)
		row := score[i*nt : (i+1)*nt]
		for k := range row {
			row[k] = negInf
		}
		if i == 0 {
			clear(tr)
			trans(0, nt, tr)
			for k := range nt {
				if allowed("<s>", tags[k]) {
					row[k] = em[k] + tr[k]
					back[k] = int32(nt)
				}
			}
			continue
		}
		prev := score[(i-1)*nt : i*nt]
		for p := range nt {
			if prev[p] == negInf {
				continue
			}
			clear(tr)
			trans(i, p, tr)
			for k := range nt {
				if !allowed(tags[p], tags[k]) {
					continue
				}
				if s := prev[p] + em[k] + tr[k]; s > row[k] {
					row[k] = s
					back[i*nt+k] = int32(p)
				}
			}
		}
	}
	out := make([]int, n)
	best, bs := 0, negInf
	for k, s := range score[(n-1)*nt:] {
		if s > bs {
			best, bs = k, s
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = best
		best = int(back[i*nt+best])
	}
	return out
}

var refMaps sync.Map // *Model -> map[uint64][]float32

// refWeights is the model's weight table as a Go map, as the reference
// tagger held it.
func refWeights(m *Model) map[uint64][]float32 {
	if v, ok := refMaps.Load(m); ok {
		return v.(map[uint64][]float32)
	}
	w := map[uint64][]float32{}
	m.tab.each(func(h uint64, row []float32) { w[h] = append([]float32(nil), row...) })
	refMaps.Store(m, w)
	return w
}
