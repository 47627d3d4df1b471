package rouge

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCompute(t *testing.T) {
	tests := []struct {
		name       string
		cand, ref  string
		r1, r2, rl Score
	}{
		{
			// cand: the cat sat on the mat (6); ref: the cat is on the mat (6)
			// unigrams: the×2, cat, on, mat match = 5 → P=R=5/6.
			// bigrams: the cat, on the, the mat = 3 of 5 → P=R=3/5.
			// LCS: the cat on the mat = 5 → P=R=5/6.
			name: "classic", cand: "The cat sat on the mat.", ref: "the cat is on the mat",
			r1: Score{5.0 / 6, 5.0 / 6, 5.0 / 6}, r2: Score{0.6, 0.6, 0.6}, rl: Score{5.0 / 6, 5.0 / 6, 5.0 / 6},
		},
		{
			// cand 4 tokens, ref 2 tokens: "amazon investe" both present.
			// R1: P=2/4, R=2/2, F=2*.5*1/1.5=2/3. R2: cand bigrams 3, ref 1, match 1 → P=1/3 R=1 F=0.5.
			name: "punctuation and case", cand: "Amazon investe, in OpenAI!", ref: "amazon INVESTE",
			r1: Score{0.5, 1, 2.0 / 3}, r2: Score{1.0 / 3, 1, 0.5}, rl: Score{0.5, 1, 2.0 / 3},
		},
		{
			// clipping: cand "a a a a" vs ref "a b": unigram match min(4,1)=1 → P=1/4 R=1/2 F=1/3.
			// LCS = 1. Bigrams: "a a"×3 vs "a b" → 0.
			name: "clipped", cand: "a a a a", ref: "a b",
			r1: Score{0.25, 0.5, 1.0 / 3}, r2: Score{}, rl: Score{0.25, 0.5, 1.0 / 3},
		},
		{
			// order matters for L: cand "b a c", ref "a b c": unigrams 3/3; LCS 2 ("a c" or "b c").
			name: "order", cand: "b a c", ref: "a b c",
			r1: Score{1, 1, 1}, r2: Score{}, rl: Score{2.0 / 3, 2.0 / 3, 2.0 / 3},
		},
		{name: "empty cand", cand: "", ref: "a b"},
		{name: "only punctuation", cand: "...", ref: "!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.cand, tt.ref)
			for _, c := range []struct {
				name      string
				got, want Score
			}{{"R1", got.R1, tt.r1}, {"R2", got.R2, tt.r2}, {"RL", got.RL, tt.rl}} {
				if !near(c.got.P, c.want.P) || !near(c.got.R, c.want.R) || !near(c.got.F, c.want.F) {
					t.Errorf("%s: got %+v, want %+v", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"chips", "chip"}, {"companies", "company"}, {"running", "runn"}, {"announced", "announc"},
		{"class", "class"}, {"investimenti", "investiment"}, {"investimento", "investiment"}, {"the", "the"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stem(tt.in); got != tt.want {
				t.Errorf("stem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	s := ComputeWith("chips investiti", "chip investito", Options{Stem: true})
	if !near(s.R1.F, 1) {
		t.Errorf("stemmed R1 = %v, want 1", s.R1.F)
	}
}
