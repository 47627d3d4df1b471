package amount

import (
	"testing"
	"time"
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

// FuzzNormalise: a span is never reported outside the text it was given.
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

// FuzzFindIn: with a publication date, spans stay inside the text and in
// order, and every resolved date is a valid ISO date.
func FuzzFindIn(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.text, s.lang, int64(1763550000))
	}
	f.Add("domenica 29 febbraio, a dicembre; Monday. 452.3 billion new Taiwan dollars", "en", int64(0))
	f.Fuzz(func(t *testing.T, text, lang string, unix int64) {
		pub := time.Unix(unix%(1<<34), 0).UTC()
		end := 0
		for _, a := range FindIn(text, lang, Context{Published: &pub}) {
			if a.Start < end || a.Start > a.End || a.End > len(text) {
				t.Fatalf("FindIn(%q): span [%d,%d) after %d", text, a.Start, a.End, end)
			}
			end = a.End
			if a.ISO != "" && len(a.ISO) == 10 {
				if _, err := time.Parse("2006-01-02", a.ISO); err != nil {
					t.Fatalf("FindIn(%q): ISO %q: %v", text, a.ISO, err)
				}
			}
		}
	})
}
