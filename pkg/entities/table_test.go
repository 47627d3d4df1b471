package entities

import "testing"

// TestFeatTable stores keys that share their low or high halves, and keys
// whose low half is 0 (kept aside), and reads every one back.
func TestFeatTable(t *testing.T) {
	keys := []uint64{1, 0, 1 << 32, 5<<32 | 7, 6<<32 | 7, 7, 0xffffffff00000000, 0x9E3779B97F4A7C15}
	tab := newFeatTable(len(keys), 3)
	for i, k := range keys {
		tab.put(k, []float32{float32(i), -float32(i), 0.5})
	}
	tab.put(7, []float32{7, 7, 7}) // replaces
	if tab.len() != len(keys) {
		t.Fatalf("len = %d, want %d", tab.len(), len(keys))
	}
	for i, k := range keys {
		dst := make([]float64, 3)
		if !tab.addTo(k, dst) {
			t.Fatalf("key %#x not found", k)
		}
		want := []float64{float64(i), -float64(i), 0.5}
		if k == 7 {
			want = []float64{7, 7, 7}
		}
		for j := range dst {
			if dst[j] != want[j] {
				t.Errorf("key %#x: weights %v, want %v", k, dst, want)
				break
			}
		}
	}
	for _, k := range []uint64{2, 5 << 32, 8<<32 | 7, 3 << 32} {
		if tab.addTo(k, make([]float64, 3)) {
			t.Errorf("absent key %#x found", k)
		}
	}
	seen := map[uint64]bool{}
	tab.each(func(h uint64, w []float32) { seen[h] = true })
	for _, k := range keys {
		if !seen[k] {
			t.Errorf("each skipped key %#x", k)
		}
	}
}

// TestModelTablesFindEveryFeature reads back every feature of both models
// through addTo (the Bloom filter must pass every stored key).
func TestModelTablesFindEveryFeature(t *testing.T) {
	o := offline(t)
	for lang, m := range o.models {
		missing, n := 0, 0
		dst := make([]float64, len(m.Tags))
		m.tab.each(func(h uint64, _ []float32) {
			n++
			if !m.tab.addTo(h, dst) {
				missing++
			}
		})
		if missing > 0 || n != m.tab.len() {
			t.Errorf("%s model: %d of %d features not found (table holds %d)", lang, missing, n, m.tab.len())
		}
	}
}
