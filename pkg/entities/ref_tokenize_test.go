package entities

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// refTokenize is Tokenize before round 4 of issue #7, kept verbatim as the
// reference for TestTokenizeMatchesReference and FuzzTokenizeMatchesReference.
// It splits text into tokens with byte offsets. Words keep inner
// hyphens, dots ("U.S."), ampersands ("AT&T") and apostrophes ("O'Brien");
// Italian elisions are split after the apostrophe and English "'s"/"n't" are
// tokens of their own. Every token's Text equals text[Start:End].
func refTokenize(text string) []Token {
	toks := make([]Token, 0, len(text)/6) // about one token per six bytes of news text
	i := 0
	for i < len(text) {
		r, sz := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || r == utf8.RuneError && sz <= 1 {
			i += sz
			continue
		}
		j := i
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r2) || r2 == utf8.RuneError && s2 <= 1 {
				break
			}
			j += s2
		}
		toks = refChunk(text, i, j, toks)
		i = j
	}
	return toks
}

// refChunk tokenises the whitespace-free text[s:e].
func refChunk(text string, s, e int, toks []Token) []Token {
	var buf [8]atom // most chunks are a word and a punctuation mark
	atoms := buf[:0]
	for i := s; i < e; {
		r, sz := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			j := i + sz
			for j < e {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
			atoms = append(atoms, atom{i, j, true})
			i = j
			continue
		}
		atoms = append(atoms, atom{i, i + sz, false})
		i += sz
	}
	emit := func(a, b int) {
		if b > a {
			toks = append(toks, Token{Text: text[a:b], Start: a, End: b})
		}
	}
	k := 0
	for k < len(atoms) {
		a := atoms[k]
		if !a.word {
			emit(a.start, a.end)
			k++
			continue
		}
		// Grow a word over joiners that sit between two word atoms.
		start, end := a.start, a.end
		k++
		for k+1 < len(atoms) && !atoms[k].word && atoms[k+1].word {
			jr, _ := utf8.DecodeRuneInString(text[atoms[k].start:])
			left := text[start:end]
			right := text[atoms[k+1].start:atoms[k+1].end]
			ok := false
			switch {
			case isApos(jr):
				if elided[strings.ToLower(left[lastWordStart(left):])] {
					// Elision: "dell'" then the next word.
					emit(start, atoms[k].end)
					start, end = atoms[k+1].start, atoms[k+1].end
					k += 2
					continue
				}
				lr := strings.ToLower(right)
				if lr == "s" && (k+2 >= len(atoms) || !atoms[k+2].word) {
					ok = false // "Trump's": "'s" is a token
				} else if lr == "t" && strings.HasSuffix(strings.ToLower(left), "n") && len(left) > 1 {
					// "don't" -> "do" "n't"
					emit(start, end-1)
					start, end = end-1, atoms[k+1].end
					k += 2
					continue
				} else {
					ok = true
				}
			case jr == '-' || jr == '.' || jr == '&' || jr == '_' || jr == '@' || jr == '/' && false:
				ok = true
			case jr == ',' || jr == ':':
				ok = isDigits(left[lastWordStart(left):]) && isDigits(right)
			}
			if !ok {
				break
			}
			end = atoms[k+1].end
			k += 2
		}
		// A full stop right after the word stays if it ends an abbreviation.
		if k < len(atoms) && !atoms[k].word && text[atoms[k].start] == '.' && keepsDot(text[start:end]) {
			end = atoms[k].end
			k++
		}
		// "'s" after a word is a token of its own.
		if k+1 < len(atoms) && !atoms[k].word && atoms[k+1].word {
			jr, _ := utf8.DecodeRuneInString(text[atoms[k].start:])
			if isApos(jr) && strings.EqualFold(text[atoms[k+1].start:atoms[k+1].end], "s") {
				emit(start, end)
				start, end = atoms[k].start, atoms[k+1].end
				k += 2
			}
		}
		emit(start, end)
	}
	return toks
}

// tokenizeTexts are the texts TestTokenizeMatchesReference tokenises: the
// golden cases (every shared text, upper- and lower-cased, NER files as text).
func tokenizeTexts(t *testing.T) []string {
	var out []string
	for _, c := range goldenCases(t) {
		out = append(out, c.body)
	}
	return out
}

// TestTokenizeMatchesReference checks Tokenize against refTokenize on every
// golden text.
func TestTokenizeMatchesReference(t *testing.T) {
	n := 0
	for _, s := range tokenizeTexts(t) {
		got, want := Tokenize(s), refTokenize(s)
		n += len(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Tokenize(%.80q...) differs from the reference: %d vs %d tokens", s, len(got), len(want))
		}
	}
	t.Logf("%d tokens identical", n)
}

func FuzzTokenizeMatchesReference(f *testing.F) {
	for _, s := range []string{"dell’Amazon l'Antitrust", "U.S. Trump's don't", "“Ciao” (Aws) 1,000.5", "\xff\xfe'’", "a'’'b", "É’È. X",
		"a\u00a0b\u0085c\u2028d\te\vf", "Mr.Smith jr. J. A.B.C", "1,2,3:4 x,y AT&T_foo@bar/baz", "n't can't DON'T l' l'a", "\u0301a\u0301 ̀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Tokenize(s), refTokenize(s); !slices.Equal(got, want) {
			t.Fatalf("Tokenize(%q)\n got %v\nwant %v", s, got, want)
		}
	})
}
