package amount

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []struct{ text, lang string }{
	{"Apple ha investito 1,5 miliardi di euro, il 20% in più.", "it"},
	{"Revenue rose 12.5% to $3.2 billion in Q3 2024.", "en"},
	{"oltre 300 milioni di dollari e circa 40 mila chip", "it"},
	{"decine di milioni; 1.400 dipendenti; 17 dicembre 2025", "it"},
	{"up to €2bn, at least 10,000 units", "en"},
	{"-3,4 % e 0,0001 €", "it"},
	{"1.2.3.4,5,6", "en"},
	{"", "it"},
	{"\xff\xfe 5 €", "it"},
}

// FuzzFind: Find never panics, and every amount is a well-formed span of
// the text, in order, with a finite value.
func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.text, s.lang)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		last := 0
		for _, a := range Find(text, lang) {
			if a.Start < last || a.Start > a.End || a.End > len(text) {
				t.Fatalf("Find(%q) span [%d,%d) out of order or bounds (previous end %d)", text, a.Start, a.End, last)
			}
			if a.Text != text[a.Start:a.End] {
				t.Fatalf("Find(%q) Text %q != text[%d:%d] %q", text, a.Text, a.Start, a.End, text[a.Start:a.End])
			}
			if utf8.ValidString(text) && !utf8.ValidString(a.Text) {
				t.Fatalf("Find(%q) cut a rune: %q", text, a.Text)
			}
			if math.IsNaN(a.Value) || math.IsInf(a.Value, 0) {
				t.Fatalf("Find(%q) value %v", text, a.Value)
			}
			last = a.Start
		}
	})
}

// FuzzParseNumber: ParseNumber never panics; it returns a finite number or
// ErrNotNumber.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,5", "1.400", "2.5", "-3", "1.234.567,89", "1,234,567.89", "12e3", "", ".", "1..2", "٣"} {
		for _, lang := range []string{"it", "en", "de"} {
			f.Add(s, lang)
		}
	}
	f.Fuzz(func(t *testing.T, s, lang string) {
		v, err := ParseNumber(s, lang)
		if err != nil {
			if !errors.Is(err, ErrNotNumber) {
				t.Fatalf("ParseNumber(%q) error %v is not ErrNotNumber", s, err)
			}
			return
		}
		if math.IsNaN(v) {
			t.Fatalf("ParseNumber(%q) = NaN", s)
		}
	})
}

// FuzzNormalise: Normalise never panics and an accepted span lies within
// the input.
func FuzzNormalise(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.text, s.lang)
	}
	f.Add("27", "it")
	f.Add("3 miliardi di euro", "it")
	f.Fuzz(func(t *testing.T, span, lang string) {
		a, ok := Normalise(span, lang)
		if ok && (a.Start < 0 || a.Start > a.End || a.End > len(span)) {
			t.Fatalf("Normalise(%q) span [%d,%d) out of bounds", span, a.Start, a.End)
		}
	})
}
