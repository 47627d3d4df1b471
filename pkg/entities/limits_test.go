package entities

import "testing"

func TestCapSentences(t *testing.T) {
	toks := make([]Token, 600)
	sents := [][]Token{toks[:10], toks[10:600]}
	got := capSentences(sents, 256)
	var lens []int
	for _, s := range got {
		lens = append(lens, len(s))
	}
	want := []int{10, 256, 256, 78}
	if len(lens) != len(want) {
		t.Fatalf("capSentences lengths = %v, want %v", lens, want)
	}
	for i := range want {
		if lens[i] != want[i] {
			t.Fatalf("capSentences lengths = %v, want %v", lens, want)
		}
	}
	short := [][]Token{toks[:3]}
	if got := capSentences(short, 256); &got[0] != &short[0] {
		t.Errorf("capSentences copied a list with no long sentence")
	}
}
