package entities

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The document cache (issue #7, round 4). News repeats its words: about 40%
// of the tokens the gated tagger scores were already scored earlier in the
// same article. Extract therefore keeps, per distinct token of the article,
// what the tagger derives from the token alone: its lower case, shape,
// lexicon bits and clusters; the hash states of the features in which it is
// a neighbour's value; the summed weights of the features that depend on it
// alone (bias, word, shape, prefixes, suffixes, lexicon, clusters, ...) and
// of those it gives its neighbours (see neighbour); and
// its transition scores by previous tag. A token then costs the features that
// read its neighbours. Once an article is tagged, the complete entries of
// words the model knows (with a cluster or common in lower case) go to the
// model's word cache, read only and shared by later articles, up to
// sharedWords: about half the words of a new article are found there.
//
// Summing a group of weights first changes the order of the float64
// additions. It cannot change the result: every weight of a loaded model is
// float32(q)·scale for an int16 q, hence an integer multiple of u, the float32
// ulp of scale, below 2^39·u in magnitude; a token's sum of fewer than 2^14
// of them is an integer multiple of u below 2^53·u, which float64 holds
// exactly whatever the order. Models fresh from training do not have that
// property (Model.exact is false) and take the plain path.
// TestDocCacheMatchesTag checks the emissions bit for bit.

// wordEntry is what the tagger keeps about one distinct token.
type wordEntry struct {
	// set for every token
	stripped, lw, tlw, gl string
	tgl                   string // tlw with ’ as ', as Extract matches aliases
	upper                 bool   // an upper-case letter: the tokens around it are live
	letter, capW, allCaps bool   // of the stripped token
	alnum, lastApos       bool   // of the token as written
	elided                bool

	// set once a live token reads it (ready)
	ready                                              bool
	sh, s3                                             string
	lex                                                uint8
	lk                                                 bool
	cl                                                 []string
	hM1, hP1, hM2, hP2, shM1, shP1                     uint64 // its features as a neighbour
	sShM10, sSh0P1, sM10, s0P1, sShM1W0, sWm1Sh0       uint64 // hash states it starts
	sWm2Wm1Sh0, sSh0Wp1, sSh0Wp1Wp2, sWm1S3, capFirstW uint64
	cM1, sCM1w, cP1, sCP1w                             uint64

	sum  []float64 // its own features' summed weights (nt), or nil
	nb   []float64 // summed weights of its features as a neighbour (4*nt, see neighbour), or nil
	tr   []float64 // its transition rows by previous tag ((nt+1)*nt), or nil
	trOK uint64    // bit p: the row for previous tag p is computed

	tok    string // the token
	shared bool   // from the model's word cache: read only
}

// docCache holds the word entries of one article for one model.
type docCache struct {
	m       *Model
	idx     map[string]int32
	e       []wordEntry
	arena   []float64         // backs the entries' sum and tr
	shapes  map[string]string // interned shapes
	ids     []int32           // by token of the sentence being tagged
	gl      []string
	pend    [][3]int32 // new sums: entry, features f[from:to]
	strs    []string   // backs strings, reused by the next article
	toks    []Token    // Extract's tokens
	int32s  []int32    // backs Extract's entry ids
	scratch tagScratch
}

// sharedWords bounds each model's word cache (Model.shared): about 1.4 KB a
// word, so at most ≈ 3 MB per model; the first words of known vocabulary
// that articles tag stay (no eviction: output never depends on the cache).
const sharedWords = 2048

const bosEntry, eosEntry = 0, 1 // the "<s>" and "</s>" neighbours

var docCachePool = sync.Pool{New: func() any {
	return &docCache{idx: map[string]int32{}, shapes: map[string]string{}}
}}

// newDocCache returns an empty cache for an article tagged with m.
func newDocCache(m *Model) *docCache {
	c := docCachePool.Get().(*docCache)
	c.m = m
	clear(c.idx)
	c.e, c.arena, c.strs, c.toks = c.e[:0], c.arena[:0], c.strs[:0], c.toks[:0]
	for _, b := range []string{"<s>", "</s>"} {
		c.e = append(c.e, wordEntry{stripped: b, lw: b, sh: b})
		c.e[len(c.e)-1].hashes()
	}
	return c
}

// release shares the article's complete entries of known words with later
// articles (Model.shared) and returns c to the pool.
func (c *docCache) release() {
	if m := c.m; m.cacheable() && m.nShared.Load() < sharedWords {
		nt := len(m.Tags)
		var cand []int32
		m.sharedMu.Lock()
		for i := int32(2); i < int32(len(c.e)); i++ {
			e := &c.e[i]
			if _, ok := m.pending[e.tok]; ok || e.shared || !e.ready || e.sum == nil || e.cl == nil && !e.lk {
				continue
			}
			cand = append(cand, i)
		}
		m.sharedMu.Unlock()
		var add []*wordEntry
		for _, i := range cand {
			e := &c.e[i]
			for p := range nt + 1 {
				c.trans(m, i, p)
			}
			c.neighbour(m, i)
			s := *e
			s.shared = true
			s.stripped, s.lw, s.tlw, s.gl, s.tgl, s.s3, s.tok = strings.Clone(s.stripped), strings.Clone(s.lw),
				strings.Clone(s.tlw), strings.Clone(s.gl), strings.Clone(s.tgl), strings.Clone(s.s3), strings.Clone(s.tok)
			s.sum, s.tr, s.nb = slices.Clone(s.sum), slices.Clone(s.tr), slices.Clone(s.nb)
			add = append(add, &s)
		}
		m.share(add, false)
	}
	c.m = nil
	clear(c.strs[:cap(c.strs)]) // let the article's strings go
	clear(c.toks[:cap(c.toks)])
	docCachePool.Put(c)
}

// share adds entries to the model's word cache, up to sharedWords. Readers
// see an immutable map, replaced (copied) once the pending words reach an
// eighth of it (at least 32), or the cache is full, or flush is set: about
// 8 × sharedWords entries copied in all, and none once it is full.
func (m *Model) share(add []*wordEntry, flush bool) {
	m.sharedMu.Lock()
	defer m.sharedMu.Unlock()
	var old map[string]*wordEntry
	if p := m.shared.Load(); p != nil {
		old = *p
	}
	for _, e := range add {
		if m.nShared.Load() >= sharedWords {
			break
		}
		if _, ok := old[e.tok]; ok {
			continue
		}
		if _, ok := m.pending[e.tok]; ok {
			continue
		}
		if m.pending == nil {
			m.pending = map[string]*wordEntry{}
		}
		m.pending[e.tok] = e
		m.nShared.Add(1)
	}
	if len(m.pending) == 0 || !flush && len(m.pending) < max(32, len(old)/8) && m.nShared.Load() < sharedWords {
		return
	}
	next := make(map[string]*wordEntry, len(old)+len(m.pending))
	for k, e := range old {
		next[k] = e
	}
	for k, e := range m.pending {
		next[k] = e
	}
	m.shared.Store(&next)
	clear(m.pending)
}

// strings returns n empty strings valid until c is released.
func (c *docCache) strings(n int) []string { return take(&c.strs, n, 1024) }

// alloc returns n zeroed float64 from the arena.
func (c *docCache) alloc(n int) []float64 { return take(&c.arena, n, 4096) }

// take returns n zeroed elements from the end of *buf, growing it (at least
// to least elements) when they do not fit; earlier slices stay valid.
func take[T any](buf *[]T, n, least int) []T {
	if cap(*buf)-len(*buf) < n {
		*buf = make([]T, 0, max(2*cap(*buf), least, n))
	}
	a := len(*buf)
	*buf = (*buf)[:a+n]
	s := (*buf)[a : a+n : a+n]
	clear(s)
	return s
}

// entry returns the index of token t's entry, adding it if new.
func (c *docCache) entry(t string) int32 {
	if i, ok := c.idx[t]; ok {
		return i
	}
	if c.m != nil {
		if p := c.m.shared.Load(); p != nil {
			if s, ok := (*p)[t]; ok {
				i := int32(len(c.e))
				c.e = append(c.e, *s)
				c.idx[t] = i
				return i
			}
		}
	}
	st := stripElision(t)
	l := strings.ToLower(st)
	e := wordEntry{stripped: st, lw: l, tlw: l, upper: l != st, elided: st != t, tok: t}
	if st != t {
		e.tlw = strings.ToLower(t)
	}
	e.gl, e.tgl = strings.ReplaceAll(l, "’", "'"), strings.ReplaceAll(e.tlw, "’", "'")
	r, _ := utf8.DecodeRuneInString(st)
	e.letter, e.capW, e.allCaps = unicode.IsLetter(r), unicode.IsUpper(r), isAllCaps(st)
	r, _ = utf8.DecodeRuneInString(t)
	e.alnum = unicode.IsLetter(r) || unicode.IsDigit(r)
	r, _ = utf8.DecodeLastRuneInString(t)
	e.lastApos = isApos(r)
	i := int32(len(c.e))
	c.e = append(c.e, e)
	c.idx[t] = i
	return i
}

// ready computes what a live token reads of entry i.
func (c *docCache) ready(m *Model, i int32) {
	e := &c.e[i]
	if e.ready {
		return
	}
	var buf [32]byte
	sh := appendShape(buf[:0], e.stripped)
	s, ok := c.shapes[string(sh)]
	if !ok {
		if len(c.shapes) >= 4096 { // odd text: keep the pooled cache small
			clear(c.shapes)
		}
		s = string(sh)
		c.shapes[s] = s
	}
	e.sh = s
	w := m.words.get(hstr(fnvOff, e.lw))
	e.lex, e.cl, e.lk = w.lex, w.cl, w.lowerKnown
	e.hashes()
}

// hashes computes the neighbour features and hash states from lw, sh and cl.
func (e *wordEntry) hashes() {
	l, sh := e.lw, e.sh
	e.s3 = suffix(l, 3)
	e.hM1, e.hP1, e.hM2, e.hP2, e.shM1, e.shP1 = mix(hWm1, l), mix(hWp1, l), mix(hWm2, l), mix(hWp2, l), mix(hShm1, sh), mix(hShp1, sh)
	e.sShM10, e.sSh0P1, e.sM10, e.s0P1, e.sShM1W0, e.sWm1Sh0 = mix(hShm10, sh), mix(hSh0p1, sh), mix(hWm10, l), mix(hW0p1, l), mix(hShm1W0, sh), mix(hWm1Sh0, l)
	e.sWm2Wm1Sh0, e.sSh0Wp1, e.sSh0Wp1Wp2, e.sWm1S3, e.capFirstW = mix(hWm2Wm1Sh0, l), mix(hSh0Wp1, sh), mix(hSh0Wp1Wp2, sh), mix(hWm1S3, l), mix(hCapFirstW, l)
	if cl := e.cl; cl != nil {
		e.cM1, e.sCM1w = mix(hCm1, cl[min(1, len(cl)-1)]), mix(hCm1w, cl[len(cl)-1])
		e.cP1, e.sCP1w = mix(hCp1, cl[min(1, len(cl)-1)]), mix(hCp1w, cl[len(cl)-1])
	}
	e.ready = true
}

// groupFeatures appends the features of entry i that depend on the token
// alone (it must be ready) to f.
func (c *docCache) groupFeatures(f []uint64, i int32) []uint64 {
	e := &c.e[i]
	l, sh := e.lw, e.sh
	f = append(f, fB, mix(hW, l), mix(hSh, sh), mix(hP2, prefix(l, 2)), mix(hP3, prefix(l, 3)),
		mix(hS2, suffix(l, 2)), mix(hS3, e.s3), mix(hS4, suffix(l, 4)), mix(hP1, prefix(l, 1)), mix(hS1, suffix(l, 1)))
	if e.capW {
		f = append(f, fCap)
	}
	if e.allCaps {
		f = append(f, fAllcaps)
	}
	if e.elided {
		f = append(f, fElided)
	}
	if lx := e.lex; lx != 0 {
		f = append(f, fLexmask[lx])
		for b := range lexTypes {
			if lx&(1<<b) != 0 {
				f = append(f, fLex[b], mix(hLexCap[b], sh))
			}
		}
	}
	if cl := e.cl; cl != nil {
		for k, p := range cl {
			f = append(f, mix(clusterName(k), p))
		}
		f = append(f, mix(mix(hCsh, cl[len(cl)-1]), sh))
	} else {
		f = append(f, mix(hCnone, sh))
	}
	return f
}

// neighbour returns the summed weights of the features entry i gives the
// tokens around it, which depend on it alone: as the previous token (word,
// shape, after-elision, lexicon bits, cluster), as the next one (word, shape,
// lexicon bits, cluster), two before (word) and two after (word), nt each.
func (c *docCache) neighbour(m *Model, i int32) []float64 {
	e := &c.e[i]
	if e.nb == nil {
		nt, t := len(m.Tags), m.tab
		nb := c.alloc(4 * nt)
		l1, r1, l2, r2 := nb[:nt], nb[nt:2*nt], nb[2*nt:3*nt], nb[3*nt:]
		t.addTo(e.hM1, l1)
		t.addTo(e.shM1, l1)
		if e.lastApos {
			t.addTo(fAfterElision, l1)
		}
		if e.lex != 0 {
			t.addTo(fLexmaskM1[e.lex], l1)
		}
		if e.cl != nil {
			t.addTo(e.cM1, l1)
		}
		t.addTo(e.hP1, r1)
		t.addTo(e.shP1, r1)
		if e.lex != 0 {
			t.addTo(fLexmaskP1[e.lex], r1)
		}
		if e.cl != nil {
			t.addTo(e.cP1, r1)
		}
		t.addTo(e.hM2, l2)
		t.addTo(e.hP2, r2)
		e.nb = nb
	}
	return e.nb
}

// trans returns the transition scores into entry i's token from previous
// tag p, as tag computes them.
func (c *docCache) trans(m *Model, i int32, p int) []float64 {
	nt := len(m.Tags)
	e := &c.e[i]
	if e.trOK&(1<<p) == 0 {
		if e.tr == nil {
			e.tr = c.alloc((nt + 1) * nt)
		}
		row := e.tr[p*nt : (p+1)*nt]
		copy(row, m.tRow[p*nt:(p+1)*nt])
		m.tab.addTo(mix(m.tPre[p], e.tlw), row)
		e.trOK |= 1 << p
	}
	return e.tr[p*nt : (p+1)*nt]
}

// entryAt is the entry of token i of a sentence, or the boundary entry
// before or after it.
func entryAt(ids []int32, i int) int32 {
	switch {
	case i < 0:
		return bosEntry
	case i >= len(ids):
		return eosEntry
	}
	return ids[i]
}

// cacheable reports whether tagCached gives exactly what tag(toks, true) gives.
func (m *Model) cacheable() bool {
	return m.exact && m.words != nil && m.o >= 0 && len(m.Tags) < 64
}

// tagCached is tag(toks, true) with the document cache c. ids are the
// tokens' entries in c and tgz the alias gazetteer's matches of their tgl, as
// Extract has them; either may be nil.
func (m *Model) tagCached(toks []string, ids []int32, tgz []string, c *docCache) []string {
	if len(toks) == 0 {
		return []string{}
	}
	if !m.cacheable() {
		return m.tag(toks, true)
	}
	s := &c.scratch
	m.emissionsCached(s, toks, ids, tgz, c)
	ids = c.ids
	return m.decode(s, toks, func(i, p int) []float64 { return c.trans(m, ids[i], p) }, c.strings(len(toks)))
}

// emissionsCached fills s.em as emissions(s, toks, true) does (ids and tgz
// as for tagCached).
func (m *Model) emissionsCached(s *tagScratch, toks []string, ids []int32, tgz []string, c *docCache) {
	n, nt := len(toks), len(m.Tags)
	if ids == nil {
		c.ids = grow(c.ids, n)
		for i, t := range toks {
			c.ids[i] = c.entry(t)
		}
		ids = c.ids
	}
	c.ids = ids
	s.live = grow(s.live, n)
	clear(s.live)
	caps, words, elided := 0, 0, false
	for i := range toks {
		e := &c.e[ids[i]]
		elided = elided || e.elided
		if e.upper {
			for j := max(0, i-gateReach[0]); j <= min(n-1, i+gateReach[1]); j++ {
				s.live[j] = true
			}
		}
		if e.letter {
			words++
			if e.capW {
				caps++
			}
		}
	}
	headline := words >= 3 && caps*10 >= words*7
	var gz []string
	switch {
	case m.gaz == nil:
	case tgz != nil && !elided: // the same words: tgl is gl
		gz = tgz
	default:
		c.gl = grow(c.gl, n)
		for i, id := range ids {
			c.gl[i] = c.e[id].gl
		}
		gz = m.gaz.match(c.gl)
	}
	first := 0
	for first < n && !c.e[ids[first]].alnum {
		first++
	}
	for i, live := range s.live {
		if live {
			for j := max(0, i-2); j <= min(n-1, i+2); j++ {
				c.ready(m, ids[j])
			}
		}
	}
	at := func(i int) *wordEntry {
		switch {
		case i < 0:
			return &c.e[bosEntry]
		case i >= n:
			return &c.e[eosEntry]
		}
		return &c.e[ids[i]]
	}
	// The features of the live tokens, first those of words new to the
	// article (summed into their entries), then each token's context
	// features.
	s.offs = grow(s.offs, n+1)
	f := s.feats[:0]
	c.pend = c.pend[:0]
	for i, live := range s.live {
		if e := &c.e[ids[i]]; live && e.sum == nil {
			e.sum = c.alloc(nt)
			start := len(f)
			f = c.groupFeatures(f, ids[i])
			c.pend = append(c.pend, [3]int32{ids[i], int32(start), int32(len(f))})
		}
	}
	for i := range n {
		s.offs[i] = int32(len(f))
		if !s.live[i] {
			continue
		}
		e, p, p2, nx, nx2 := at(i), at(i-1), at(i-2), at(i+1), at(i+2)
		l, sh := e.lw, e.sh
		if e.capW {
			if i == first {
				f = append(f, fCapFirst, e.capFirstW)
				if e.lk {
					f = append(f, fCapFirstLK)
				}
			} else if e.lk {
				f = append(f, fCapLK)
			}
			if headline {
				f = append(f, fCapHead)
				if e.lk {
					f = append(f, fCapHeadLK)
				}
			}
		}
		if e.allCaps && headline {
			f = append(f, fAllcapsHead)
		}
		if i == first {
			f = append(f, fFirst)
		}
		f = append(f, mix(p.sShM10, sh), mix(e.sSh0P1, nx.sh), mix(p.sM10, l), mix(e.s0P1, nx.lw), mix(p.sShM1W0, l),
			mix(p.sWm1Sh0, sh), mix(mix(p2.sWm2Wm1Sh0, p.lw), sh), mix(e.sSh0Wp1, nx.lw), mix(mix(e.sSh0Wp1Wp2, nx.lw), nx2.lw))
		if i > 0 {
			f = append(f, mix(p.sWm1S3, e.s3))
			if p.cl != nil {
				f = append(f, mix(p.sCM1w, sh))
			}
		}
		if i+1 < n && nx.cl != nil {
			f = append(f, mix(nx.sCP1w, sh))
		}
		if gz != nil {
			f = appendGazFeatures(f, gz, i, sh)
		}
	}
	s.offs[n] = int32(len(f))
	s.feats = f
	t := m.tab
	for _, pd := range c.pend {
		dst := c.e[pd[0]].sum
		for _, h := range f[pd[1]:pd[2]] {
			t.addTo(h, dst)
		}
	}
	s.em = grow(s.em, n*nt)
	for i := range n {
		em := s.em[i*nt : (i+1)*nt]
		if !s.live[i] {
			for k := range em {
				em[k] = math.Inf(-1)
			}
			em[m.o] = 0
			continue
		}
		copy(em, c.e[ids[i]].sum)
		// the features the neighbours give (neighbour); the boundaries give
		// theirs too, which are only the word and shape ones
		l1 := c.neighbour(m, entryAt(ids, i-1))[:nt]
		r1 := c.neighbour(m, entryAt(ids, i+1))[nt : 2*nt]
		l2 := c.neighbour(m, entryAt(ids, i-2))[2*nt : 3*nt]
		r2 := c.neighbour(m, entryAt(ids, i+2))[3*nt:]
		for k := range em {
			em[k] += l1[k] + r1[k] + l2[k] + r2[k]
		}
		for _, h := range f[s.offs[i]:s.offs[i+1]] {
			t.addTo(h, em)
		}
	}
}
