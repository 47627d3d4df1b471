package render

import (
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestLabel(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		e    news.Entity
		want string
	}{
		{news.Entity{Name: "Amazon", Type: news.Org}, "Amazon"},
		{news.Entity{Name: "10 miliardi di dollari", Type: news.Money, Value: f(1e10), Currency: "USD", Qualifier: "over"}, "10 miliardi di dollari (> 10bn USD)"},
		{news.Entity{Name: "1.400 miliardi di dollari", Type: news.Money, Value: f(1.4e12), Currency: "USD"}, "1.400 miliardi di dollari (1.4tn USD)"},
		{news.Entity{Name: "27%", Type: news.Percent, Value: f(27)}, "27%"}, // the value says nothing more (issue #18 item 13)
		{news.Entity{Name: "il 27 per cento", Type: news.Percent, Value: f(27)}, "il 27 per cento (27%)"},
		{news.Entity{Name: "2008", Type: news.Date, ISO: "2008"}, "2008"},
		{news.Entity{Name: "decine di milioni di Cpu", Type: news.Quantity, Value: f(1e7), Approximate: true}, "decine di milioni di Cpu (~10m)"},
		{news.Entity{Name: "17 dicembre 2025", Type: news.Date, ISO: "2025-12-17"}, "17 dicembre 2025 (2025-12-17)"},
	}
	for _, tt := range tests {
		if got := Label(tt.e); got != tt.want {
			t.Errorf("Label(%s) = %q, want %q", tt.e.Name, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	br := news.Brief{ID: "abc", Headline: "Titolo", Summary: "Riassunto.", KeyPoints: []string{"Uno."}, Language: news.Language{Code: "it"},
		Entities: []news.Entity{{Name: "OpenAI", Type: news.Org, Count: 2}}}
	for format, want := range map[string]string{"md": "## Titolo", "text": "Titolo\n", "json": `"headline": "Titolo"`} {
		var sb strings.Builder
		if err := Brief(&sb, br, format); err != nil || !strings.Contains(sb.String(), want) || !strings.Contains(sb.String(), "OpenAI") {
			t.Errorf("format %s: err %v, output %q lacks %q", format, err, sb.String(), want)
		}
	}
	if err := Brief(&strings.Builder{}, br, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}
