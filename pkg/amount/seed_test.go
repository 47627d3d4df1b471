package amount

import (
	"os"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/internal/shared"
)

func readSeed(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(shared.Path(tb, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		tb.Fatalf("reading seed article: %v", err)
	}
	return string(b)
}

// TestSeedArticle asserts every figure the seed article really contains. It
// says "accordo da 38 miliardi di dollari", not "$38 billion".
func TestSeedArticle(t *testing.T) {
	text := readSeed(t)
	got := Find(text, "it")
	checkInvariants(t, text, got)
	want := []w{
		{D, "2025-12-17", 0, "iso=2025-12-17"},
		{M, "10 miliardi di dollari", 1e10, "cur=USD q=over"},
		{M, "10 miliardi di dollari", 1e10, "cur=USD"},
		{M, "38 miliardi di dollari", 3.8e10, "cur=USD"},
		{Q, "centinaia di migliaia di Gpu", 1e5, "unit=Gpu approx"},
		{Q, "decine di milioni di Cpu", 1e7, "unit=Cpu approx"},
		{Q, "500.000 chip", 5e5, "unit=chip"},
		{Q, "milioni di utenti", 1e6, "unit=utenti approx"},
		{M, "10 miliardi di dollari", 1e10, "cur=USD q=over"},
		{M, "1.400 miliardi di dollari", 1.4e12, "cur=USD q=over"},
		{M, "8 miliardi di dollari", 8e9, "cur=USD q=at_least"},
		{M, "5 miliardi di dollari", 5e9, "cur=USD q=up_to"},
		{M, "10 miliardi di dollari", 1e10, "cur=USD q=up_to"},
		{D, "2018", 0, "iso=2018"},
	}
	if len(got) != len(want) {
		for _, g := range got {
			t.Log(show(g))
		}
		t.Fatalf("found %d amounts, want %d", len(got), len(want))
	}
	for i, x := range want {
		if wa := x.amount(); !same(got[i], wa) {
			t.Errorf("amount %d\n got  %s\n want %s", i, show(got[i]), show(wa))
		}
	}
	// The first mention is the one after "oltre" in the lead paragraph.
	if i := got[1].Start; text[i-len("oltre "):i] != "oltre " {
		t.Errorf("first 10 miliardi at %d is not preceded by \"oltre \": %q", i, text[i-10:i])
	}
}

func BenchmarkFind(b *testing.B) {
	text := readSeed(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Find(text, "it")
	}
}

func BenchmarkParseNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseNumber("1.400.000,25", "it")
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.400", "1,5", "1,400", "2.3", "10", "+3,5", "-2.1", "1.400.000,25", "", "1..2", "12345678901234567890123", "0.000000000000000000000001"} {
		for _, lang := range []string{"it", "en", ""} {
			f.Add(s, lang)
		}
	}
	f.Fuzz(func(t *testing.T, s, lang string) {
		v, err := ParseNumber(s, lang)
		if err != nil {
			if v != 0 {
				t.Fatalf("ParseNumber(%q) = %v with error %v", s, v, err)
			}
			return
		}
		if v != v {
			t.Fatalf("ParseNumber(%q) = NaN", s)
		}
	})
}

func FuzzFind(f *testing.F) {
	f.Add(readSeedOr(f), "it")
	for _, s := range []string{
		"oltre 10 miliardi di dollari", "$38 billion", "£2.3m", "US$ 5 million", "€1,5 mld", "10mila euro",
		"il 27 per cento", "+3,5%", "decine di milioni di Cpu", "tens of millions of users", "fino all’80%",
		"Friday, July 21, 2017", "1° gennaio 2026", "17/12/2025", "2025-12-17", "COVID-19 H100 5G 10.30",
		"a billion dollars", "5 million Canadian dollars", "3 milioni di franchi svizzeri", "-$5", "$-5", "1,", "€",
		"martedì, ", "December 31,", "99/99/9999", "2 punti percentuali",
	} {
		f.Add(s, "it")
		f.Add(s, "en")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		as := Find(text, lang)
		checkInvariants(t, text, as)
		valid := utf8.ValidString(text)
		for _, a := range as {
			if valid && (!utf8.RuneStart(text[a.Start]) || (a.End < len(text) && !utf8.RuneStart(text[a.End]))) {
				t.Fatalf("span [%d,%d) not on rune boundaries in %q", a.Start, a.End, text)
			}
			if a.Kind != M {
				continue
			}
			n, ok := Normalise(a.Text, lang)
			if !ok || n.Kind != M || !close(n.Value, a.Value) || n.Currency != a.Currency {
				t.Fatalf("Find gave %s; Normalise(%q) = %s, %v", show(a), a.Text, show(n), ok)
			}
		}
	})
}

func readSeedOr(f *testing.F) string {
	if d, ok := shared.DataDir(); ok {
		if b, err := os.ReadFile(d + "/seed/it_amazon_openai_trainium.txt"); err == nil {
			return string(b)
		}
	}
	return "Amazon potrebbe investire oltre 10 miliardi di dollari in OpenAI nel 2025."
}

func BenchmarkNormalise(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Normalise("oltre 10 miliardi di dollari", "it")
	}
}
