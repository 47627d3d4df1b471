// Package rouge scores a candidate summary against a reference with ROUGE-1,
// ROUGE-2 (n-gram overlap) and ROUGE-L (longest common subsequence), the
// figures extractive summarisers are usually compared by.
//
// Texts are lower-cased and split into runs of letters and digits; all
// punctuation is dropped ("U.S." becomes "u", "s"; "dell'Ai" becomes "dell",
// "ai"). Stemming is off by default, as the Italian side has no agreed
// stemmer; Options.Stem turns on a light suffix stripper (English plural,
// -ing, -ed; Italian final vowel) that merges obvious inflections only. The
// F1 used throughout is the balanced F-measure (beta = 1). Figures are close
// to, but not byte-identical with, the Perl ROUGE-1.5.5 script, which has its
// own tokenizer and Porter stemmer.
package rouge

import (
	"strings"
	"unicode"
)

// Score is precision, recall and F1 of one ROUGE variant.
type Score struct {
	P, R, F float64
}

// Scores holds ROUGE-1, ROUGE-2 and ROUGE-L for one candidate/reference pair.
type Scores struct {
	R1, R2, RL Score
}

// Options tune tokenisation.
type Options struct {
	// Stem applies a light suffix stripper to every token.
	Stem bool
}

// Compute scores candidate against reference with default options.
func Compute(candidate, reference string) Scores {
	return ComputeWith(candidate, reference, Options{})
}

// ComputeWith scores candidate against reference.
func ComputeWith(candidate, reference string, o Options) Scores {
	c := Tokens(candidate, o)
	r := Tokens(reference, o)
	return Scores{R1: NGram(c, r, 1), R2: NGram(c, r, 2), RL: LCS(c, r)}
}

// Tokens lower-cases text and returns its runs of letters and digits.
func Tokens(text string, o Options) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if o.Stem {
		for i, w := range f {
			f[i] = stem(w)
		}
	}
	return f
}

// NGram is ROUGE-N over token lists: clipped n-gram matches divided by the
// candidate's n-grams (precision) and the reference's (recall).
func NGram(cand, ref []string, n int) Score {
	if n <= 0 || len(cand) < n || len(ref) < n {
		return Score{}
	}
	counts := make(map[string]int, len(ref))
	for i := 0; i+n <= len(ref); i++ {
		counts[strings.Join(ref[i:i+n], "\x00")]++
	}
	match := 0
	for i := 0; i+n <= len(cand); i++ {
		k := strings.Join(cand[i:i+n], "\x00")
		if counts[k] > 0 {
			counts[k]--
			match++
		}
	}
	return prf(match, len(cand)-n+1, len(ref)-n+1)
}

// LCS is ROUGE-L: the longest common subsequence length divided by the
// candidate length (precision) and the reference length (recall). The
// summary-level union-LCS variant is not implemented; multi-sentence texts
// are treated as one token sequence.
func LCS(cand, ref []string) Score {
	if len(cand) == 0 || len(ref) == 0 {
		return Score{}
	}
	prev := make([]int, len(ref)+1)
	cur := make([]int, len(ref)+1)
	for i := 1; i <= len(cand); i++ {
		for j := 1; j <= len(ref); j++ {
			switch {
			case cand[i-1] == ref[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prf(prev[len(ref)], len(cand), len(ref))
}

func prf(match, nc, nr int) Score {
	if match == 0 || nc == 0 || nr == 0 {
		return Score{}
	}
	p := float64(match) / float64(nc)
	r := float64(match) / float64(nr)
	return Score{P: p, R: r, F: 2 * p * r / (p + r)}
}

// stem strips a few unambiguous inflectional endings. It is deliberately
// weak: it must never merge unrelated words.
func stem(w string) string {
	rs := []rune(w)
	n := len(rs)
	if n <= 3 {
		return w
	}
	s := w
	switch {
	case strings.HasSuffix(s, "ies") && n > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "ing") && n > 5:
		return s[:len(s)-3]
	case strings.HasSuffix(s, "ed") && n > 4:
		return s[:len(s)-2]
	case strings.HasSuffix(s, "ss"):
		return s
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	// Italian gender/number endings: -o -a -i -e.
	last := rs[n-1]
	if n > 4 && (last == 'o' || last == 'a' || last == 'i' || last == 'e') {
		return string(rs[:n-1])
	}
	return s
}
