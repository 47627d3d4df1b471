package entities

import (
	"math"
	"math/bits"
)

// featTable is the read-only weight table of a loaded model: open
// addressing with linear probing over one flat slice, each slot holding the
// feature hash and its weights for every tag, so a hit touches one or two
// cache lines (a Go map plus a separate weight slice touched three or more;
// issue #7). A parallel array of 32-bit fingerprints (1 MB) is probed first,
// so a feature the model lacks (a third of lookups) costs no trip to memory.
// The fingerprint holds the key's low 32 bits (0 marks an empty slot) and
// the slot its high 32 bits, so a slot of 7 tags is 32 bytes and never
// straddles two cache lines (with the whole key in it, it was 36 and half the
// hits read two). The rare features whose low 32 bits are 0 are kept aside.
type featTable struct {
	nt     int      // tags per row
	stride int      // uint32 words per slot: 1 for the key's high half, nt for the weights
	shift  uint     // 64 - log2(slots)
	mask   int      // slots - 1
	slots  []uint32 // key high, then nt float32 bit patterns
	fp     []uint32 // by slot: key low | 1, or 0 when empty
	n      int      // features stored
	aside  map[uint64][]float32
	bloom  []uint64 // two bits per stored feature (bloomBits)
	bshift uint     // 64 - log2(len(bloom))
}

// newFeatTable sizes a table for n features of nt tags at a load of at most 1/2.
func newFeatTable(n, nt int) *featTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	words := 64
	for words*64 < 16*n {
		words <<= 1
	}
	return &featTable{
		nt: nt, stride: 1 + nt, shift: uint(64 - bits.TrailingZeros(uint(size))), mask: size - 1,
		slots: make([]uint32, size*(1+nt)), fp: make([]uint32, size),
		bloom: make([]uint64, words), bshift: uint(64 - bits.TrailingZeros(uint(words))),
	}
}

// bloomBits are the word of t.bloom and the two bits in it that feature h
// sets: a lookup whose bits are not both set is a feature the model lacks,
// answered from 16 bits per feature (256 KB for the Italian model, which
// stays in the processor's L2 cache) instead of the 1 MB fingerprint array
// (issue #7, round 4). About half the distinct features an article looks
// up are not in the model.
func (t *featTable) bloomBits(h uint64) (int, uint64) {
	g := (h ^ h>>32) * 0xD6E8FEB86659FD93
	return int(g >> t.bshift), 1<<(g&63) | 1<<(g>>6&63)
}

func (t *featTable) slot(h uint64) int {
	return int((h * 0x9E3779B97F4A7C15) >> t.shift)
}

// put stores the weights of feature h (replacing any earlier ones).
func (t *featTable) put(h uint64, w []float32) {
	if uint32(h) == 0 {
		if t.aside == nil {
			t.aside = map[uint64][]float32{}
		}
		t.aside[h] = append([]float32(nil), w...)
		return
	}
	bw, bb := t.bloomBits(h)
	t.bloom[bw] |= bb
	want := uint32(h)
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		b := i * t.stride
		f := t.fp[i]
		if f == 0 {
			t.n++
		}
		if f == 0 || f == want && t.slots[b] == uint32(h>>32) {
			t.fp[i] = want
			t.slots[b] = uint32(h >> 32)
			for j, v := range w {
				t.slots[b+1+j] = math.Float32bits(v)
			}
			return
		}
	}
}

// addTo adds the weights of feature h to dst (len nt) and reports whether
// the feature is in the model. Weights are added as float64 in tag order,
// exactly as the map-based tagger did.
func (t *featTable) addTo(h uint64, dst []float64) bool {
	if uint32(h) == 0 {
		w, ok := t.aside[h]
		for k, v := range w {
			dst[k] += float64(v)
		}
		return ok
	}
	if bw, bb := t.bloomBits(h); t.bloom[bw]&bb != bb {
		return false
	}
	// Probe the fingerprint array first; only a likely hit reads the slot
	// with the key and weights.
	want := uint32(h)
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		f := t.fp[i]
		if f == 0 {
			return false
		}
		if f != want {
			continue
		}
		b := i * t.stride
		s := t.slots[b : b+t.stride]
		if s[0] != uint32(h>>32) {
			continue
		}
		if t.nt == 7 && len(dst) == 7 { // both shipped models: no bounds checks, unrolled
			w, d := (*[7]uint32)(s[1:8]), (*[7]float64)(dst)
			d[0] += float64(math.Float32frombits(w[0]))
			d[1] += float64(math.Float32frombits(w[1]))
			d[2] += float64(math.Float32frombits(w[2]))
			d[3] += float64(math.Float32frombits(w[3]))
			d[4] += float64(math.Float32frombits(w[4]))
			d[5] += float64(math.Float32frombits(w[5]))
			d[6] += float64(math.Float32frombits(w[6]))
			return true
		}
		for j, v := range s[1:] {
			dst[j] += float64(math.Float32frombits(v))
		}
		return true
	}
}

// each calls fn for every feature with its weights (a scratch slice).
func (t *featTable) each(fn func(h uint64, w []float32)) {
	w := make([]float32, t.nt)
	for h, v := range t.aside {
		fn(h, v)
	}
	for i, f := range t.fp {
		if f == 0 {
			continue
		}
		b := i * t.stride
		for j := range w {
			w[j] = math.Float32frombits(t.slots[b+1+j])
		}
		fn(uint64(t.slots[b])<<32|uint64(f), w)
	}
}

func (t *featTable) len() int { return t.n + len(t.aside) }
