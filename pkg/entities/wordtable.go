package entities

import "math/bits"

// wordTable is the tagger's word table (wordInfo by hash of the lower-case
// word) as one flat open-addressing array of 16-byte slots: a lookup reads
// one cache line, where the Go map it replaces read two or three (its group's
// control word, key and value; issue #7, round 4). Cluster paths are stored
// once per cluster.
type wordTable struct {
	slots []wordSlot
	shift uint // 64 - log2(len(slots))
	mask  int
	cls   [][]string // cluster paths, by wordSlot.cl - 1
}

type wordSlot struct {
	key  uint64
	cl   int32 // index in cls plus one, 0 for none
	lex  uint8
	lk   bool
	used bool
}

// newWordTable stores words at a load of at most 1/2.
func newWordTable(words map[uint64]wordInfo) *wordTable {
	size := 16
	for size < 2*len(words) {
		size <<= 1
	}
	t := &wordTable{slots: make([]wordSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size))), mask: size - 1}
	byLeaf := map[string]int32{}
	for h, w := range words {
		s := wordSlot{key: h, lex: w.lex, lk: w.lowerKnown, used: true}
		if len(w.cl) > 0 {
			leaf := w.cl[len(w.cl)-1]
			if byLeaf[leaf] == 0 {
				t.cls = append(t.cls, w.cl)
				byLeaf[leaf] = int32(len(t.cls))
			}
			s.cl = byLeaf[leaf]
		}
		i := t.slot(h)
		for t.slots[i].used {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
	return t
}

func (t *wordTable) slot(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> t.shift) }

// get returns the word with hash h, or the zero wordInfo.
func (t *wordTable) get(h uint64) wordInfo {
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if !s.used {
			return wordInfo{}
		}
		if s.key == h {
			w := wordInfo{lex: s.lex, lowerKnown: s.lk}
			if s.cl > 0 {
				w.cl = t.cls[s.cl-1]
			}
			return w
		}
	}
}
