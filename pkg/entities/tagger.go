package entities

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The tagger's hot path (issue #7). Feature hashes are the ones feat builds
// from strings — the model file is unchanged — but computed without building
// feature strings: the hash of each feature name is computed once here, and
// values are mixed in with mix. Per-token values (lower case, shape, lexicon
// bits, clusters) are computed once per sentence into reusable buffers.
// TestTagMatchesReference checks the tags are identical to the string-based
// tagger's.

// mix continues a feat hash with one more value.
func mix(h uint64, v string) uint64 {
	h ^= 0xff
	h *= fnvPrime
	return hstr(h, v)
}

func name(n string) uint64 { return hstr(fnvOff, n) }

var (
	fB, fCap, fCapFirst, fCapFirstLK, fCapLK         = name("b"), name("cap"), name("cap-first"), name("cap-first-lowerknown"), name("cap-lowerknown")
	fCapHead, fCapHeadLK, fAllcaps, fAllcapsHead     = name("cap-headline"), name("cap-headline-lowerknown"), name("allcaps"), name("allcaps-headline")
	fFirst, fElided, fAfterElision                   = name("first"), name("elided-in-token"), name("after-elision")
	hW, hSh, hP1, hP2, hP3, hS1, hS2, hS3, hS4       = name("w"), name("sh"), name("p1"), name("p2"), name("p3"), name("s1"), name("s2"), name("s3"), name("s4")
	hCapFirstW, hWm1, hWp1, hWm2, hWp2, hShm1, hShp1 = name("cap-first-w"), name("w-1"), name("w+1"), name("w-2"), name("w+2"), name("sh-1"), name("sh+1")
	hShm10, hSh0p1, hWm10, hW0p1, hShm1W0, hWm1Sh0   = name("sh-1,0"), name("sh0,+1"), name("w-1,0"), name("w0,+1"), name("sh-1,w0"), name("w-1,sh0")
	hWm2Wm1Sh0, hSh0Wp1, hSh0Wp1Wp2, hWm1S3          = name("w-2,w-1,sh0"), name("sh0,w+1"), name("sh0,w+1,w+2"), name("w-1,s3")
	hCsh, hCnone, hCm1, hCm1w, hCp1, hCp1w           = name("c-sh"), name("c-none"), name("c-1"), name("c-1,w"), name("c+1"), name("c+1,w")
	hGaz, hGazSh, hGazP1, hGazM1                     = name("gaz"), name("gaz-sh"), name("gaz+1"), name("gaz-1")
	hT1w                                             = name("t-1,w")

	fLexmask, fLexmaskM1, fLexmaskP1 [256]uint64 // by lexicon bit set
	fLex, hLexCap                    [8]uint64   // by lexicon type
	hC                               [16]uint64  // cluster level names c0, c1, ...
)

func init() {
	for lx := range 256 {
		v := string(rune('a' + lx))
		fLexmask[lx], fLexmaskM1[lx], fLexmaskP1[lx] = feat("lexmask", v), feat("lexmask-1", v), feat("lexmask+1", v)
	}
	for b, n := range lexTypes {
		fLex[b], hLexCap[b] = feat("lex", n), feat("lex-cap", n)
	}
	for k := range hC {
		hC[k] = name("c" + string(rune('0'+k)))
	}
}

func clusterName(k int) uint64 {
	if k < len(hC) {
		return hC[k]
	}
	return name("c" + string(rune('0'+k)))
}

// tagScratch holds the per-sentence buffers of Tag, reused through a pool.
type tagScratch struct {
	stripped, lw, sh, tlw []string
	hl                    []uint64
	lex                   []uint8
	lk                    []bool // lower-case known
	cl                    [][]string
	shape                 []byte
	shEnd                 []int
	feats                 []uint64
	offs                  []int32
	em, score, tr         []float64
	back                  []int32
	live, need            []bool
}

var scratchPool = sync.Pool{New: func() any { return new(tagScratch) }}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/2)
	}
	return s[:n]
}

// appendShape appends shape(w) to dst.
func appendShape(dst []byte, w string) []byte {
	var last rune = -1
	n := 0
	for _, r := range w {
		var c rune
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		default:
			c = r
		}
		if c != last {
			dst = utf8.AppendRune(dst, c)
			n++
			last = c
		}
		if n > 6 {
			break
		}
	}
	return dst
}

// features fills s.feats with the static features of every token, token i's
// in s.feats[s.offs[i]:s.offs[i+1]], in the order the string-based
// staticFeatures (ref_test.go) adds them. With gate set, tokens that no
// entity can reach (see gateReach) get no features and s.live[i] is false.
func (m *Model) features(s *tagScratch, toks []string, gate bool) {
	n := len(toks)
	s.stripped, s.lw, s.sh = grow(s.stripped, n), grow(s.lw, n), grow(s.sh, n)
	s.hl, s.lex, s.cl, s.shEnd = grow(s.hl, n), grow(s.lex, n), grow(s.cl, n), grow(s.shEnd, n)
	s.lk = grow(s.lk, n)
	s.live = grow(s.live, n)
	for i := range s.live {
		s.live[i] = !gate
	}
	clus, _ := wordClusters() // a bad file is reported by NewOffline
	caps, words := 0, 0
	for i, t := range toks {
		t = stripElision(t)
		s.stripped[i] = t
		l := strings.ToLower(t)
		s.lw[i] = l
		if gate && l != t { // an upper-case letter: the tokens around it are live
			for j := max(0, i-gateReach[0]); j <= min(n-1, i+gateReach[1]); j++ {
				s.live[j] = true
			}
		}
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsLetter(r) {
			words++
			if isCap(t) {
				caps++
			}
		}
	}
	// The features of a live token read its neighbours up to two away.
	s.need = grow(s.need, n)
	clear(s.need)
	for i, live := range s.live {
		if live {
			for j := max(0, i-2); j <= min(n-1, i+2); j++ {
				s.need[j] = true
			}
		}
	}
	s.shape = s.shape[:0]
	for i, l := range s.lw {
		s.shEnd[i] = len(s.shape)
		if !s.need[i] {
			s.hl[i], s.lex[i], s.cl[i], s.lk[i] = 0, 0, nil, false
			continue
		}
		s.shape = appendShape(s.shape, s.stripped[i])
		s.shEnd[i] = len(s.shape)
		s.hl[i] = hstr(fnvOff, l)
		if m.words != nil {
			w := m.words.get(s.hl[i])
			s.lex[i], s.cl[i], s.lk[i] = w.lex, w.cl, w.lowerKnown
		} else { // training: the lexicon changes between folds
			s.lex[i], s.cl[i], s.lk[i] = m.lex[s.hl[i]], clus[l], m.lower[s.hl[i]] || commonLower(l)
		}
	}
	shapes := string(s.shape)
	for i, start := 0, 0; i < n; i++ {
		s.sh[i] = shapes[start:s.shEnd[i]]
		start = s.shEnd[i]
	}
	headline := words >= 3 && caps*10 >= words*7
	var gz []string
	if m.gaz != nil {
		gl := make([]string, n)
		for i, l := range s.lw {
			gl[i] = strings.ReplaceAll(l, "’", "'")
		}
		gz = m.gaz.match(gl)
	}
	first := 0
	for first < n {
		r, _ := utf8.DecodeRuneInString(toks[first])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		first++
	}
	lw, sh := s.lw, s.sh
	at := func(i int) (string, string) {
		if i < 0 {
			return "<s>", "<s>"
		}
		if i >= n {
			return "</s>", "</s>"
		}
		return lw[i], sh[i]
	}
	s.offs = grow(s.offs, n+1)
	f := s.feats[:0]
	for i := range toks {
		s.offs[i] = int32(len(f))
		if !s.live[i] {
			continue
		}
		w, l, shi := s.stripped[i], lw[i], sh[i]
		f = append(f, fB, mix(hW, l), mix(hSh, shi), mix(hP2, prefix(l, 2)), mix(hP3, prefix(l, 3)),
			mix(hS2, suffix(l, 2)), mix(hS3, suffix(l, 3)), mix(hS4, suffix(l, 4)))
		lowerKnown := s.lk[i]
		if isCap(w) {
			f = append(f, fCap)
			if i == first {
				f = append(f, fCapFirst, mix(hCapFirstW, l))
				if lowerKnown {
					f = append(f, fCapFirstLK)
				}
			} else if lowerKnown {
				f = append(f, fCapLK)
			}
			if headline {
				f = append(f, fCapHead)
				if lowerKnown {
					f = append(f, fCapHeadLK)
				}
			}
		}
		if isAllCaps(w) {
			f = append(f, fAllcaps)
			if headline {
				f = append(f, fAllcapsHead)
			}
		}
		if i == first {
			f = append(f, fFirst)
		}
		if w != toks[i] {
			f = append(f, fElided)
		}
		pl, ps := at(i - 1)
		nl, ns := at(i + 1)
		pl2, _ := at(i - 2)
		nl2, _ := at(i + 2)
		f = append(f, mix(hWm1, pl), mix(hWp1, nl), mix(hWm2, pl2), mix(hWp2, nl2), mix(hShm1, ps), mix(hShp1, ns),
			mix(mix(hShm10, ps), shi), mix(mix(hSh0p1, shi), ns), mix(mix(hWm10, pl), l), mix(mix(hW0p1, l), nl),
			mix(mix(hShm1W0, ps), l), mix(mix(hWm1Sh0, pl), shi), mix(mix(mix(hWm2Wm1Sh0, pl2), pl), shi),
			mix(mix(hSh0Wp1, shi), nl), mix(mix(mix(hSh0Wp1Wp2, shi), nl), nl2),
			mix(hP1, prefix(l, 1)), mix(hS1, suffix(l, 1)))
		if i > 0 {
			f = append(f, mix(mix(hWm1S3, pl), suffix(l, 3)))
			if last, _ := utf8.DecodeLastRuneInString(toks[i-1]); isApos(last) {
				f = append(f, fAfterElision)
			}
		}
		if lx := s.lex[i]; lx != 0 {
			f = append(f, fLexmask[lx])
			for b := range lexTypes {
				if lx&(1<<b) != 0 {
					f = append(f, fLex[b], mix(hLexCap[b], shi))
				}
			}
		}
		if i > 0 && s.lex[i-1] != 0 {
			f = append(f, fLexmaskM1[s.lex[i-1]])
		}
		if i+1 < n && s.lex[i+1] != 0 {
			f = append(f, fLexmaskP1[s.lex[i+1]])
		}
		if cl := s.cl[i]; cl != nil {
			for k, p := range cl {
				f = append(f, mix(clusterName(k), p))
			}
			f = append(f, mix(mix(hCsh, cl[len(cl)-1]), shi))
		} else {
			f = append(f, mix(hCnone, shi))
		}
		if i > 0 {
			if cl := s.cl[i-1]; cl != nil {
				f = append(f, mix(hCm1, cl[min(1, len(cl)-1)]), mix(mix(hCm1w, cl[len(cl)-1]), shi))
			}
		}
		if i+1 < n {
			if cl := s.cl[i+1]; cl != nil {
				f = append(f, mix(hCp1, cl[min(1, len(cl)-1)]), mix(mix(hCp1w, cl[len(cl)-1]), shi))
			}
		}
		if gz != nil {
			f = appendGazFeatures(f, gz, i, shi)
		}
	}
	s.offs[n] = int32(len(f))
	s.feats = f
}

// appendGazFeatures appends token i's alias-gazetteer features (its own
// match with its shape, and its neighbours'); Tag's and Extract's feature
// code share it.
func appendGazFeatures(f []uint64, gz []string, i int, sh string) []uint64 {
	if g := gz[i]; g != "" {
		f = append(f, mix(hGaz, g), mix(mix(hGazSh, g), sh))
	}
	if i+1 < len(gz) && gz[i+1] != "" {
		f = append(f, mix(hGazP1, gz[i+1]))
	}
	if i > 0 && gz[i-1] != "" {
		f = append(f, mix(hGazM1, gz[i-1]))
	}
	return f
}

// staticFeatures computes the features of every token that do not depend on
// earlier tags (used by training).
func (m *Model) staticFeatures(toks []string) [][]uint64 {
	var s tagScratch
	m.features(&s, toks, false)
	out := make([][]uint64, len(toks))
	for i := range toks {
		out[i] = s.feats[s.offs[i]:s.offs[i+1]:s.offs[i+1]]
	}
	return out
}

// wordInfo is what the tagger looks up per word, gathered from the lexicon,
// the common-lower-case sets and the word clusters into one map, so a token
// costs one map lookup instead of up to four.
type wordInfo struct {
	lex        uint8
	lowerKnown bool
	cl         []string
}

// prepare derives what Tag needs from a loaded or trained model: the word
// table, the transition rows by previous tag and the IOB2 constraints.
func (m *Model) prepare() {
	clus, _ := wordClusters()
	words := make(map[uint64]wordInfo, len(clus)+len(m.lex))
	for w, cl := range clus {
		h := hstr(fnvOff, w)
		words[h] = wordInfo{lex: m.lex[h], lowerKnown: m.lower[h] || clusterLow[w], cl: cl}
	}
	for h, lx := range m.lex {
		if _, ok := words[h]; !ok {
			words[h] = wordInfo{lex: lx, lowerKnown: m.lower[h]}
		}
	}
	for h := range m.lower {
		if _, ok := words[h]; !ok {
			words[h] = wordInfo{lowerKnown: true}
		}
	}
	m.words = newWordTable(words)
	nt := len(m.Tags)
	prevName := func(p int) string {
		if p == nt {
			return "<s>"
		}
		return m.Tags[p]
	}
	m.tRow = make([]float64, (nt+1)*nt)
	m.tPre = make([]uint64, nt+1)
	m.allow = make([]bool, (nt+1)*nt)
	m.o = slices.Index(m.Tags, "O")
	for p := range nt + 1 {
		m.tab.addTo(feat("t-1", prevName(p)), m.tRow[p*nt:(p+1)*nt])
		m.tPre[p] = mix(hT1w, prevName(p))
		for k := range nt {
			m.allow[p*nt+k] = allowed(prevName(p), m.Tags[k])
		}
	}
}

// gateReach is how far an entity reaches from a word with an upper-case
// letter: two tokens before it ("ministero della Giustizia") and four after
// ("Autorità garante della concorrenza"). Extract fixes every other token to
// O without computing its features — about half the tokens of a news article
// (issue #7). Such a token could only be part of an entity without a capital
// letter, which Extract drops as junk anyway; TestGateKeepsTags checks the
// spans with a capital letter score as without the gate.
var gateReach = [2]int{2, 4}

// Tag labels one sentence with IOB2 tags (first-order Viterbi decoding).
func (m *Model) Tag(toks []string) []string { return m.tag(toks, false) }

// tag computes exactly what viterbi computes with the static and transition
// features, with the same float64 additions in the same order; with gate,
// under the constraint that tokens outside the gate are O. A token fixed to
// O has one possible tag, so leaving out its emission score changes no path's
// rank.
func (m *Model) tag(toks []string, gate bool) []string {
	if len(toks) == 0 {
		return []string{}
	}
	s := scratchPool.Get().(*tagScratch)
	defer scratchPool.Put(s)
	m.emissions(s, toks, gate)
	nt := len(m.Tags)
	s.tr = grow(s.tr, nt)
	return m.decode(s, toks, func(i, p int) []float64 {
		copy(s.tr, m.tRow[p*nt:(p+1)*nt])
		m.tab.addTo(mix(m.tPre[p], s.tlw[i]), s.tr)
		return s.tr
	}, make([]string, len(toks)))
}

// emissions fills s.em with the static scores of every token (n*nt).
func (m *Model) emissions(s *tagScratch, toks []string, gate bool) {
	n, nt := len(toks), len(m.Tags)
	gate = gate && m.o >= 0
	m.features(s, toks, gate)
	s.tlw = grow(s.tlw, n)
	for i, t := range toks {
		if s.stripped[i] == t {
			s.tlw[i] = s.lw[i]
		} else {
			s.tlw[i] = strings.ToLower(t)
		}
	}
	s.em = grow(s.em, n*nt)
	clear(s.em)
	for i := range n {
		em := s.em[i*nt : (i+1)*nt]
		for _, f := range s.feats[s.offs[i]:s.offs[i+1]] {
			m.tab.addTo(f, em)
		}
		if !s.live[i] {
			for k := range em {
				if k != m.o {
					em[k] = math.Inf(-1)
				}
			}
		}
	}
}

// decode runs first-order Viterbi over the emissions in s.em; trans(i, p)
// returns the transition scores into token i from previous tag p (p == nt:
// the sentence start).
func (m *Model) decode(s *tagScratch, toks []string, trans func(i, p int) []float64, out []string) []string {
	n, nt := len(toks), len(m.Tags)
	s.score, s.back = grow(s.score, n*nt), grow(s.back, n*nt)
	clear(s.back)
	negInf := math.Inf(-1)
	for i := range n {
		em := s.em[i*nt : (i+1)*nt]
		row := s.score[i*nt : (i+1)*nt]
		for k := range row {
			row[k] = negInf
		}
		if i == 0 {
			tr := trans(0, nt)
			for k := range nt {
				if m.allow[nt*nt+k] {
					row[k] = em[k] + tr[k]
					s.back[k] = int32(nt)
				}
			}
			continue
		}
		prev := s.score[(i-1)*nt : i*nt]
		back := s.back[i*nt : (i+1)*nt]
		for p := range nt {
			if prev[p] == negInf {
				continue
			}
			tr := trans(i, p)
			allow := m.allow[p*nt : (p+1)*nt]
			for k := range nt {
				if !allow[k] {
					continue
				}
				if v := prev[p] + em[k] + tr[k]; v > row[k] {
					row[k] = v
					back[k] = int32(p)
				}
			}
		}
	}
	best, bs := 0, negInf
	for k, v := range s.score[(n-1)*nt : n*nt] {
		if v > bs {
			best, bs = k, v
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = m.Tags[best]
		best = int(s.back[i*nt+best])
	}
	return out
}
