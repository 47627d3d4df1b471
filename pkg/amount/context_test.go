package amount

import (
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestFindIn(t *testing.T) {
	// Wednesday 19 November 2025.
	pub := time.Date(2025, 11, 19, 15, 4, 0, 0, time.FixedZone("CET", 3600))
	jan := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, lang, text string
		pub              *time.Time
		kind, span, iso  string
		currency         string
		approx           bool
	}{
		{"weekday it", "it", "L'annuncio è arrivato domenica scorsa.", &pub, news.Date, "domenica", "2025-11-16", "", true},
		{"weekday en same day", "en", "The Dutch government said on Wednesday it would", &pub, news.Date, "Wednesday", "2025-11-19", "", true},
		{"weekday en", "en", "Shares fell on Monday.", &pub, news.Date, "Monday", "2025-11-17", "", true},
		{"day month it", "it", "L'ordine era del 30 settembre.", &pub, news.Date, "30 settembre", "2025-09-30", "", true},
		{"day month across new year", "en", "The seizure happened on December 17.", &jan, news.Date, "December 17", "2025-12-17", "", true},
		{"month alone", "it", "Il lancio è previsto a febbraio.", &jan, news.Date, "febbraio", "2026-02", "", true},
		{"full date untouched", "it", "Il 17 dicembre 2024 è una data.", &pub, news.Date, "17 dicembre 2024", "2024-12-17", "", false},
		{"no reference", "it", "domenica scorsa", nil, news.Date, "domenica", "", "", false},
		{"new Taiwan dollars", "en", "revenue of 452.3 billion new Taiwan dollars in the quarter", nil, news.Money, "452.3 billion new Taiwan dollars", "", "TWD", false},
		{"dollari taiwanesi", "it", "ricavi per 3 miliardi di nuovi dollari taiwanesi", nil, news.Money, "3 miliardi di nuovi dollari taiwanesi", "", "TWD", false},
		{"funding stays quantity", "it", "La startup ha raccolto 122 milioni in un round.", nil, news.Quantity, "122 milioni", "", "", false},
		{"other sentence's currency not carried", "en", "It raised $50 million. It later raised 122 million more.", nil, news.Quantity, "122 million", "", "", false},
		{"same sentence currency carried", "it", "Il fatturato è salito a 5 miliardi di euro e l'utile a 300 milioni.", nil, news.Money, "300 milioni", "", "EUR", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *Amount
			as := FindIn(tc.text, tc.lang, Context{Published: tc.pub})
			for i := range as {
				if as[i].Text == tc.span {
					got = &as[i]
				}
			}
			if got == nil {
				t.Fatalf("no %q in %+v", tc.span, as)
			}
			if got.Kind != tc.kind || got.ISO != tc.iso || got.Currency != tc.currency || got.Approximate != tc.approx {
				t.Errorf("%q = %s iso=%q cur=%q approx=%v; want %s iso=%q cur=%q approx=%v",
					tc.span, got.Kind, got.ISO, got.Currency, got.Approximate, tc.kind, tc.iso, tc.currency, tc.approx)
			}
		})
	}
}
