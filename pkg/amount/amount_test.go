package amount

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// w is a compact expected amount: kind, text, value, then "key=value" extras
// (cur=, unit=, q=, iso=, approx).
type w struct {
	kind  string
	text  string
	value float64
	extra string
}

func (x w) amount() Amount {
	a := Amount{Kind: x.kind, Text: x.text, Value: x.value}
	for _, f := range strings.Fields(x.extra) {
		k, v, _ := strings.Cut(f, "=")
		v = strings.ReplaceAll(v, "_", " ")
		switch k {
		case "cur":
			a.Currency = v
		case "unit":
			a.Unit = v
		case "q":
			a.Qualifier = strings.ReplaceAll(v, " ", "_")
		case "iso":
			a.ISO = v
		case "approx":
			a.Approximate = true
		}
	}
	return a
}

func show(a Amount) string {
	return fmt.Sprintf("%s %q %g cur=%s unit=%q q=%s approx=%v iso=%s",
		a.Kind, a.Text, a.Value, a.Currency, a.Unit, a.Qualifier, a.Approximate, a.ISO)
}

func same(got, want Amount) bool {
	return got.Kind == want.Kind && got.Text == want.Text && close(got.Value, want.Value) &&
		got.Currency == want.Currency && got.Unit == want.Unit && got.Qualifier == want.Qualifier &&
		got.Approximate == want.Approximate && got.ISO == want.ISO
}

func close(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

const (
	M = news.Money
	P = news.Percent
	Q = news.Quantity
	D = news.Date
)

func TestFind(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []w
	}{
		// MONEY, Italian
		{"it over billions", "it", "portando oltre 10 miliardi di dollari.", []w{{M, "10 miliardi di dollari", 1e10, "cur=USD q=over"}}},
		{"it thousands dot", "it", "ha preso più di 1.400 miliardi di dollari di impegni", []w{{M, "1.400 miliardi di dollari", 1.4e12, "cur=USD q=over"}}},
		{"it euro sign mld", "it", "un valore di €1,5 mld per Tim", []w{{M, "€1,5 mld", 1.5e9, "cur=EUR"}}},
		{"it mld di euro", "it", "vale 1,5 mld di euro", []w{{M, "1,5 mld di euro", 1.5e9, "cur=EUR"}}},
		{"it mln di euro", "it", "un round da 5 mln di euro", []w{{M, "5 mln di euro", 5e6, "cur=EUR"}}},
		{"it milioni di euro", "it", "un round da 5 milioni di euro", []w{{M, "5 milioni di euro", 5e6, "cur=EUR"}}},
		{"it euro plain", "it", "costa 30 euro al mese", []w{{M, "30 euro", 30, "cur=EUR"}}},
		{"it mila spaced", "it", "un premio di 10 mila euro", []w{{M, "10 mila euro", 1e4, "cur=EUR"}}},
		{"it mila glued", "it", "un premio di 10mila euro", []w{{M, "10mila euro", 1e4, "cur=EUR"}}},
		{"it yen", "it", "investe 2 miliardi di yen", []w{{M, "2 miliardi di yen", 2e9, "cur=JPY"}}},
		{"it euro after", "it", "il biglietto costa 10 €", []w{{M, "10 €", 10, "cur=EUR"}}},
		{"it euro before spaced", "it", "il biglietto costa € 10", []w{{M, "€ 10", 10, "cur=EUR"}}},
		{"it nbsp", "it", "costa 10\u00a0€ e 5\u202fmiliardi\u00a0di euro", []w{{M, "10\u00a0€", 10, "cur=EUR"}, {M, "5\u202fmiliardi\u00a0di euro", 5e9, "cur=EUR"}}},
		{"it up to", "it", "investirà fino a 3 miliardi di dollari", []w{{M, "3 miliardi di dollari", 3e9, "cur=USD q=up_to"}}},
		{"it at least", "it", "ha investito almeno 8 miliardi di dollari", []w{{M, "8 miliardi di dollari", 8e9, "cur=USD q=at_least"}}},
		{"it about", "it", "circa 200 milioni di euro", []w{{M, "200 milioni di euro", 2e8, "cur=EUR q=about"}}},
		{"it under", "it", "meno di 1 milione di euro", []w{{M, "1 milione di euro", 1e6, "cur=EUR q=under"}}},
		{"it franchi svizzeri", "it", "una multa di 3 milioni di franchi svizzeri", []w{{M, "3 milioni di franchi svizzeri", 3e6, "cur=CHF"}}},
		{"it sterline", "it", "20 milioni di sterline", []w{{M, "20 milioni di sterline", 2e7, "cur=GBP"}}},
		{"it yuan", "it", "100 miliardi di yuan", []w{{M, "100 miliardi di yuan", 1e11, "cur=CNY"}}},
		{"it dollari canadesi", "it", "4 milioni di dollari canadesi", []w{{M, "4 milioni di dollari canadesi", 4e6, "cur=CAD"}}},
		{"it mrd", "it", "5 mrd di euro", []w{{M, "5 mrd di euro", 5e9, "cur=EUR"}}},
		{"it word number", "it", "un miliardo di dollari e due miliardi di euro", []w{{M, "un miliardo di dollari", 1e9, "cur=USD"}, {M, "due miliardi di euro", 2e9, "cur=EUR"}}},
		{"it mille miliardi", "it", "mille miliardi di dollari", []w{{M, "mille miliardi di dollari", 1e12, "cur=USD"}}},
		{"it vague money", "it", "centinaia di milioni di dollari", []w{{M, "centinaia di milioni di dollari", 1e8, "cur=USD approx"}}},
		// MONEY, English
		{"en dollar billion", "en", "a $38 billion deal", []w{{M, "$38 billion", 3.8e10, "cur=USD"}}},
		{"en bn glued", "en", "raised $10bn from", []w{{M, "$10bn", 1e10, "cur=USD"}}},
		{"en pound m", "en", "a £2.3m fine", []w{{M, "£2.3m", 2.3e6, "cur=GBP"}}},
		{"en US$", "en", "worth US$ 5 million", []w{{M, "US$ 5 million", 5e6, "cur=USD"}}},
		{"en US$ glued", "en", "worth US$5m", []w{{M, "US$5m", 5e6, "cur=USD"}}},
		{"en EUR code", "en", "EUR 3 million in fees", []w{{M, "EUR 3 million", 3e6, "cur=EUR"}}},
		{"en more than", "en", "more than $10 billion", []w{{M, "$10 billion", 1e10, "cur=USD q=over"}}},
		{"en up to", "en", "up to $5 billion", []w{{M, "$5 billion", 5e9, "cur=USD q=up_to"}}},
		{"en at least", "en", "at least €2bn", []w{{M, "€2bn", 2e9, "cur=EUR q=at_least"}}},
		{"en about", "en", "about $300 million", []w{{M, "$300 million", 3e8, "cur=USD q=about"}}},
		{"en thousands comma", "en", "$1,400 billion", []w{{M, "$1,400 billion", 1.4e12, "cur=USD"}}},
		{"en dollars word", "en", "38 billion dollars", []w{{M, "38 billion dollars", 3.8e10, "cur=USD"}}},
		{"en redundant", "en", "$38 billion dollars", []w{{M, "$38 billion dollars", 3.8e10, "cur=USD"}}},
		{"en canadian", "en", "5 million Canadian dollars", []w{{M, "5 million Canadian dollars", 5e6, "cur=CAD"}}},
		{"en a billion", "en", "a billion dollars", []w{{M, "a billion dollars", 1e9, "cur=USD"}}},
		{"en trillion", "en", "$1.4 trillion", []w{{M, "$1.4 trillion", 1.4e12, "cur=USD"}}},
		{"en euro sign", "en", "€1.5bn", []w{{M, "€1.5bn", 1.5e9, "cur=EUR"}}},
		{"en yen", "en", "¥500 billion", []w{{M, "¥500 billion", 5e11, "cur=JPY"}}},
		// PERCENT
		{"pct sign", "it", "cresce del 27%", []w{{P, "27%", 27, ""}}},
		{"pct per cento", "it", "il 27 per cento", []w{{P, "27 per cento", 27, ""}}},
		{"pct percento", "it", "27 percento", []w{{P, "27 percento", 27, ""}}},
		{"pct en percent", "en", "27 percent", []w{{P, "27 percent", 27, ""}}},
		{"pct en per cent", "en", "27 per cent", []w{{P, "27 per cent", 27, ""}}},
		{"pct it decimal", "it", "lo 0,8%", []w{{P, "0,8%", 0.8, ""}}},
		{"pct en decimal", "en", "0.8%", []w{{P, "0.8%", 0.8, ""}}},
		{"pct plus", "it", "titolo a +3,5%", []w{{P, "+3,5%", 3.5, ""}}},
		{"pct minus", "en", "shares fell -2.1% today", []w{{P, "-2.1%", -2.1, ""}}},
		{"pct space", "it", "il 27 %", []w{{P, "27 %", 27, ""}}},
		{"pct over article", "it", "oltre il 30%", []w{{P, "30%", 30, "q=over"}}},
		{"pct up to apostrophe", "it", "fino all’80%", []w{{P, "80%", 80, "q=up_to"}}},
		{"pct points", "it", "2 punti percentuali", []w{{P, "2 punti percentuali", 2, "unit=punti_percentuali"}}},
		{"pct points en", "en", "2 percentage points", []w{{P, "2 percentage points", 2, "unit=percentage_points"}}},
		// QUANTITY
		{"qty chips", "it", "cluster che superano 500.000 chip.", []w{{Q, "500.000 chip", 5e5, "unit=chip"}}},
		{"qty vague cpu", "it", "espandersi a decine di milioni di Cpu per", []w{{Q, "decine di milioni di Cpu", 1e7, "unit=Cpu approx"}}},
		{"qty vague gpu", "it", "centinaia di migliaia di utenti", []w{{Q, "centinaia di migliaia di utenti", 1e5, "unit=utenti approx"}}},
		{"qty vague en", "en", "tens of millions of users", []w{{Q, "tens of millions of users", 1e7, "unit=users approx"}}},
		{"qty vague en hundreds", "en", "hundreds of engineers", []w{{Q, "hundreds of engineers", 100, "unit=engineers approx"}}},
		{"qty millions of", "it", "aiuterà milioni di utenti", []w{{Q, "milioni di utenti", 1e6, "unit=utenti approx"}}},
		{"qty en million users", "en", "2 million users", []w{{Q, "2 million users", 2e6, "unit=users"}}},
		{"qty it milioni di utenti", "it", "2 milioni di utenti", []w{{Q, "2 milioni di utenti", 2e6, "unit=utenti"}}},
		{"qty più di dipendenti", "it", "più di 100 dipendenti", []w{{Q, "100 dipendenti", 100, "unit=dipendenti q=over"}}},
		{"qty up to jobs", "en", "up to 500 jobs", []w{{Q, "500 jobs", 500, "unit=jobs q=up_to"}}},
		{"qty qualifier any noun", "it", "oltre 200 startup", []w{{Q, "200 startup", 200, "unit=startup q=over"}}},
		{"qty en thousands", "en", "1,200 employees", []w{{Q, "1,200 employees", 1200, "unit=employees"}}},
		{"qty large no unit", "it", "le azioni salgono a 1.500.000.", []w{{Q, "1.500.000", 1.5e6, ""}}},
		{"qty scale no unit", "it", "vale 8 miliardi, dicono", []w{{Q, "8 miliardi", 8e9, ""}}},
		{"qty glued unit", "en", "a 3nm process and 10GB", []w{{Q, "3nm", 3, "unit=nm"}, {Q, "10GB", 10, "unit=GB"}}},
		{"qty spaced unit", "en", "80 GB of memory", []w{{Q, "80 GB", 80, "unit=GB"}}},
		{"qty k words", "en", "10 thousand people", []w{{Q, "10 thousand people", 1e4, "unit=people"}}},
		// no noise
		{"small numbers", "it", "le due aziende, 3 volte, 7 anni, alle 10.30 e 24/7", nil},
		{"small numbers en", "en", "the two companies, 3 times, at 10.30", nil},
		{"identifiers", "en", "iPhone 17, COVID-19, GPT-4, 5G, H100, A17 Pro, 4K, 10m sprint", nil},
		{"model number", "en", "the RTX 5090 and the Nvidia H200", nil},
		{"identifier money", "it", "la GPT-4 costa 20 dollari", []w{{M, "20 dollari", 20, "cur=USD"}}},
		// DATE
		{"date it full", "it", "il 17 dicembre 2025", []w{{D, "17 dicembre 2025", 0, "iso=2025-12-17"}}},
		{"date it slash", "it", "il 17/12/2025", []w{{D, "17/12/2025", 0, "iso=2025-12-17"}}},
		{"date it slash ambiguous", "it", "il 03/04/2025", []w{{D, "03/04/2025", 0, "iso=2025-04-03"}}},
		{"date en slash ambiguous", "en", "on 03/04/2025", []w{{D, "03/04/2025", 0, "iso=2025-03-04"}}},
		{"date en slash impossible", "en", "on 17/12/2025", []w{{D, "17/12/2025", 0, "iso=2025-12-17"}}},
		{"date iso", "en", "date 2025-12-17 here", []w{{D, "2025-12-17", 0, "iso=2025-12-17"}}},
		{"date dots", "it", "il 17.12.2025", []w{{D, "17.12.2025", 0, "iso=2025-12-17"}}},
		{"date month year it", "it", "a dicembre 2025", []w{{D, "dicembre 2025", 0, "iso=2025-12"}}},
		{"date month year en", "en", "in December 2025", []w{{D, "December 2025", 0, "iso=2025-12"}}},
		{"date en mdy", "en", "on December 17, 2025, Amazon", []w{{D, "December 17, 2025", 0, "iso=2025-12-17"}}},
		{"date en dmy", "en", "on 17 December 2025", []w{{D, "17 December 2025", 0, "iso=2025-12-17"}}},
		{"date en weekday", "en", "Friday, July 21, 2017", []w{{D, "Friday, July 21, 2017", 0, "iso=2017-07-21"}}},
		{"date en ordinal", "en", "on July 21st, 2017", []w{{D, "July 21st, 2017", 0, "iso=2017-07-21"}}},
		{"date en abbr", "en", "on Dec. 17, 2025", []w{{D, "Dec. 17, 2025", 0, "iso=2025-12-17"}}},
		{"date it weekday", "it", "martedì 17 dicembre 2025", []w{{D, "martedì 17 dicembre 2025", 0, "iso=2025-12-17"}}},
		{"date it year", "it", "nel 2024 Amazon", []w{{D, "2024", 0, "iso=2024"}}},
		{"date en year", "en", "in 2024, Amazon", []w{{D, "2024", 0, "iso=2024"}}},
		{"date it primo", "it", "dal 1° gennaio 2026", []w{{D, "1° gennaio 2026", 0, "iso=2026-01-01"}}},
		{"date it primo o", "it", "dal 1º gennaio 2026", []w{{D, "1º gennaio 2026", 0, "iso=2026-01-01"}}},
		{"date no year", "it", "entro il 17 dicembre", []w{{D, "17 dicembre", 0, ""}}},
		{"date weekday alone", "it", "martedì scorso", []w{{D, "martedì", 0, ""}}},
		{"date weekday alone en", "en", "on Tuesday the", []w{{D, "Tuesday", 0, ""}}},
		{"date month alone", "it", "a dicembre", []w{{D, "dicembre", 0, ""}}},
		{"date month alone en", "en", "in May", []w{{D, "May", 0, ""}}},
		{"date may verb", "en", "it may grow", nil},
		{"date invalid", "it", "il 31/02/2025", nil},
		{"date leap", "en", "February 29, 2024", []w{{D, "February 29, 2024", 0, "iso=2024-02-29"}}},
		{"year with unit", "it", "2000 dipendenti", []w{{Q, "2000 dipendenti", 2000, "unit=dipendenti"}}},
		{"year range", "it", "nel 2024-2025", []w{{D, "2024", 0, "iso=2024"}, {D, "2025", 0, "iso=2025"}}},
		{"date old year prep", "it", "scritto nel 1497 e restaurato dall’1800", []w{{D, "1497", 0, "iso=1497"}, {D, "1800", 0, "iso=1800"}}},
		{"old number no prep", "it", "sono 1497 i casi", []w{{Q, "1497", 1497, ""}}},
		{"hyphen compound", "en", "a billion-year contract and a $5-a-month plan", nil},
		{"corone svedesi", "it", "dieci milioni di corone svedesi", []w{{M, "dieci milioni di corone svedesi", 1e7, "cur=SEK"}}},
		{"corone alone", "it", "dieci milioni di corone", []w{{Q, "dieci milioni di corone", 1e7, "unit=corone"}}},
		{"capitalised after plain", "en", "over 28,000 Andy Warhol photographs", []w{{Q, "28,000", 28000, "q=over"}}},
		{"it apostrophe pct", "it", "l’8% e dell’80 per cento", []w{{P, "8%", 8, ""}, {P, "80 per cento", 80, ""}}},
		{"en k", "en", "a $50k salary and 5k steps", []w{{M, "$50k", 5e4, "cur=USD"}}},
		{"negative money", "it", "saldo di -5 euro", []w{{M, "-5 euro", -5, "cur=EUR"}}},
		{"other lang", "fr", "1.400 milliards et 2,5 %", []w{{Q, "1.400 milliards", 1400, "unit=milliards"}, {P, "2,5 %", 2.5, ""}}},
		// mixed sentence
		{"mixed en", "en", "On Friday, July 21, 2017, Acme said revenue rose 12% to $3.2 billion, with 2 million users.", []w{
			{D, "Friday, July 21, 2017", 0, "iso=2017-07-21"}, {P, "12%", 12, ""}, {M, "$3.2 billion", 3.2e9, "cur=USD"},
			{Q, "2 million users", 2e6, "unit=users"}}},
		{"line break", "it", "10 miliardi\ndi dollari", []w{{Q, "10 miliardi", 1e10, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Find(tt.text, tt.lang)
			checkInvariants(t, tt.text, got)
			if len(got) != len(tt.want) {
				var gs []string
				for _, g := range got {
					gs = append(gs, show(g))
				}
				t.Fatalf("Find(%q) found %d:\n%s\nwant %d", tt.text, len(got), strings.Join(gs, "\n"), len(tt.want))
			}
			for i, x := range tt.want {
				if want := x.amount(); !same(got[i], want) {
					t.Errorf("Find(%q)[%d]\n got  %s\n want %s", tt.text, i, show(got[i]), show(want))
				}
			}
		})
	}
}

func checkInvariants(t *testing.T, text string, as []Amount) {
	t.Helper()
	prev := 0
	for i, a := range as {
		if a.Start < prev || a.End <= a.Start || a.End > len(text) {
			t.Fatalf("amount %d: bad span [%d,%d) after %d in %d bytes", i, a.Start, a.End, prev, len(text))
		}
		if a.Text != text[a.Start:a.End] {
			t.Fatalf("amount %d: Text %q, text[%d:%d] %q", i, a.Text, a.Start, a.End, text[a.Start:a.End])
		}
		prev = a.End
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, lang string
		want     float64
		err      bool
	}{
		{"1.400", "it", 1400, false},
		{"1,5", "it", 1.5, false},
		{"1,400", "it", 1.4, false},
		{"1.400.000", "it", 1.4e6, false},
		{"1.400.000,25", "it", 1400000.25, false},
		{"2.5", "it", 2.5, false},
		{"10.30", "it", 10.3, false},
		{"1,400", "en", 1400, false},
		{"2.3", "en", 2.3, false},
		{"1,5", "en", 1.5, false},
		{"1,400,000.5", "en", 1400000.5, false},
		{"1.400", "en", 1.4, false},
		{"10", "", 10, false},
		{"1.400", "", 1400, false},
		{"1,5", "", 1.5, false},
		{"1.400,5", "", 1400.5, false},
		{"1,400.5", "", 1400.5, false},
		{"+3,5", "it", 3.5, false},
		{"-2.1", "en", -2.1, false},
		{" 42 ", "en", 42, false},
		{"0,8", "it", 0.8, false},
		{"000123", "en", 123, false},
		{"12345678901234567890", "en", 12345678901234567890, false},
		{"0.1234567890123456789", "en", 0.1234567890123456789, false},
		{"", "it", 0, true},
		{"abc", "it", 0, true},
		{"1.2.3", "en", 0, true},
		{"1,2,3", "it", 0, true},
		{"1..2", "it", 0, true},
		{"1.", "it", 0, true},
		{".5", "en", 0, true},
		{"1.400,5,3", "it", 0, true},
		{"12a", "it", 0, true},
		{"1,40.000", "en", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in, tt.lang)
			if tt.err {
				if !errors.Is(err, ErrNotNumber) {
					t.Fatalf("ParseNumber(%q, %q) = %v, %v; want ErrNotNumber", tt.in, tt.lang, got, err)
				}
				return
			}
			if err != nil || !close(got, tt.want) {
				t.Fatalf("ParseNumber(%q, %q) = %v, %v; want %v", tt.in, tt.lang, got, err, tt.want)
			}
		})
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct {
		span, lang string
		want       w
		ok         bool
	}{
		{"10 miliardi di dollari", "it", w{M, "10 miliardi di dollari", 1e10, "cur=USD"}, true},
		{"oltre 10 miliardi di dollari", "it", w{M, "10 miliardi di dollari", 1e10, "cur=USD q=over"}, true},
		{"$38 billion", "en", w{M, "$38 billion", 3.8e10, "cur=USD"}, true},
		{"27", "it", w{Q, "27", 27, ""}, true},
		{"3 aziende", "it", w{Q, "3 aziende", 3, "unit=aziende"}, true},
		{"27%", "it", w{P, "27%", 27, ""}, true},
		{"17 dicembre 2025", "it", w{D, "17 dicembre 2025", 0, "iso=2025-12-17"}, true},
		{"decine di milioni di Cpu", "it", w{Q, "decine di milioni di Cpu", 1e7, "unit=Cpu approx"}, true},
		{"OpenAI", "it", w{}, false},
		{"10 miliardi e 5 milioni", "it", w{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.span, func(t *testing.T) {
			got, ok := Normalise(tt.span, tt.lang)
			if ok != tt.ok {
				t.Fatalf("Normalise(%q) ok = %v (%s), want %v", tt.span, ok, show(got), tt.ok)
			}
			if ok && !same(got, tt.want.amount()) {
				t.Errorf("Normalise(%q)\n got  %s\n want %s", tt.span, show(got), show(tt.want.amount()))
			}
		})
	}
}

// TestFindBounded: a text of nothing but amounts gives at most MaxFind of
// them (issue #13: 1 MiB of "$1 " gave 349k).
func TestFindBounded(t *testing.T) {
	text := strings.Repeat("$1 ", 20000)
	got := Find(text, "en")
	if len(got) != MaxFind {
		t.Errorf("Find(20000 × \"$1 \") = %d amounts, want MaxFind = %d", len(got), MaxFind)
	}
	checkInvariants(t, text, got)
}
