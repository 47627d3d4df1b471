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
// so a feature the model lacks (a third of lookups) costs no trip to memory. The empty slot is key 0; a feature whose hash is 0 is kept
// aside.
type featTable struct {
	nt     int      // tags per row
	stride int      // uint32 words per slot: 2 for the key, nt for the weights
	shift  uint     // 64 - log2(slots)
	mask   int      // slots - 1
	slots  []uint32 // key low, key high, then nt float32 bit patterns
	fp     []uint32 // by slot: key low | 1, or 0 when empty
	n      int      // features stored
	zero   []float32
}

// newFeatTable sizes a table for n features of nt tags at a load of at most 1/2.
func newFeatTable(n, nt int) *featTable {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return &featTable{
		nt: nt, stride: 2 + nt, shift: uint(64 - bits.TrailingZeros(uint(size))), mask: size - 1,
		slots: make([]uint32, size*(2+nt)), fp: make([]uint32, size),
	}
}

func (t *featTable) slot(h uint64) int {
	return int((h * 0x9E3779B97F4A7C15) >> t.shift)
}

// put stores the weights of feature h (replacing any earlier ones).
func (t *featTable) put(h uint64, w []float32) {
	if h == 0 {
		t.zero = append([]float32(nil), w...)
		return
	}
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		b := i * t.stride
		k := uint64(t.slots[b]) | uint64(t.slots[b+1])<<32
		if k == 0 {
			t.n++
		}
		if k == 0 || k == h {
			t.fp[i] = uint32(h) | 1
			t.slots[b], t.slots[b+1] = uint32(h), uint32(h>>32)
			for j, v := range w {
				t.slots[b+2+j] = math.Float32bits(v)
			}
			return
		}
	}
}

// addTo adds the weights of feature h to dst (len nt) and reports whether
// the feature is in the model. Weights are added as float64 in tag order,
// exactly as the map-based tagger did.
func (t *featTable) addTo(h uint64, dst []float64) bool {
	if h == 0 {
		if t.zero == nil {
			return false
		}
		for k, v := range t.zero {
			dst[k] += float64(v)
		}
		return true
	}
	// Probe the small fingerprint array first (it stays in the processor's
	// cache); only a likely hit reads the slot with the key and weights.
	want := uint32(h) | 1
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
		if uint64(s[0])|uint64(s[1])<<32 == h {
			for j, v := range s[2:] {
				dst[j] += float64(math.Float32frombits(v))
			}
			return true
		}
	}
}

// each calls fn for every feature with its weights (a scratch slice).
func (t *featTable) each(fn func(h uint64, w []float32)) {
	w := make([]float32, t.nt)
	if t.zero != nil {
		fn(0, t.zero)
	}
	for b := 0; b < len(t.slots); b += t.stride {
		k := uint64(t.slots[b]) | uint64(t.slots[b+1])<<32
		if k == 0 {
			continue
		}
		for j := range w {
			w[j] = math.Float32frombits(t.slots[b+2+j])
		}
		fn(k, w)
	}
}

func (t *featTable) len() int {
	if t.zero != nil {
		return t.n + 1
	}
	return t.n
}
