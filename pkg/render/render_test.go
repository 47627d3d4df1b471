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

// Issue #17: the byline and dateline ingest keeps as metadata show in the
// Markdown brief's meta line.
func TestMarkdownAuthorDateline(t *testing.T) {
	br := news.Brief{ID: "x", Headline: "H", Language: news.Language{Code: "en"},
		Source: news.Source{Name: "AP", Author: "Jane Doe", Dateline: "SAN FRANCISCO"}}
	if got := Markdown(br); !strings.Contains(got, "*`en` · AP · SAN FRANCISCO · by Jane Doe · id x*") {
		t.Errorf("Markdown meta line: %q", got)
	}
}

// TestMarkdownEscapes: text from an article cannot inject HTML, links or
// images into Markdown output, and a source URL is printed only when it is
// http(s) (issue #13, item 9).
func TestMarkdownEscapes(t *testing.T) {
	evil := `<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![i](http://e/x.png) <javascript:alert(1)>`
	br := news.Brief{
		ID: "x", Headline: evil, Summary: "# Titolo\n\n<iframe src=//e>\n" + evil, KeyPoints: []string{evil, "1. lista"},
		Topics: []string{"<b>ai</b>"}, Source: news.Source{Name: "[ANSA](javascript:x)", URL: "javascript:alert(1)", Author: evil, Dateline: evil},
		Entities: []news.Entity{{Name: "<img src=x onerror=alert(1)>", Type: news.Org, Count: 1}},
	}
	md := Markdown(br)
	var buf strings.Builder
	if err := Digest(&buf, "<script>t</script>", []news.Brief{br}, "md"); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"Markdown": md, "Digest": buf.String()} {
		for _, bad := range []string{"<script", "<img", "<iframe", "](javascript", "<javascript", "![i]", "[x](", "<b>", "\n# Titolo"} {
			if unescaped(out, bad) {
				t.Errorf("%s output has unescaped %q:\n%s", name, bad, out)
			}
		}
	}
	if strings.Contains(md, "\n<javascript:") {
		t.Errorf("a javascript: source URL was printed as a link:\n%s", md)
	}
	br.Source.URL = "https://example.com/a?b=1"
	if !strings.Contains(Markdown(br), "<https://example.com/a?b=1>") {
		t.Errorf("an https source URL is missing:\n%s", Markdown(br))
	}
	if got := MarkdownText("Amazon investe $10 miliardi (> 5bn) in AT&T"); got != "Amazon investe $10 miliardi (> 5bn) in AT&T" {
		t.Errorf("plain text changed: %q", got)
	}
}

// unescaped reports whether s holds sub with its first byte not escaped.
func unescaped(s, sub string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		if k := i + j; k == 0 || s[k-1] != '\\' {
			return true
		}
		i += j + 1
	}
}

func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://example.com/a": true, "http://example.com": true, "javascript:alert(1)": false,
		"JAVASCRIPT:alert(1)": false, "data:text/html,x": false, "//example.com/x": false, "https://e.com/<x>": false,
		"": false, "ftp://e.com/x": false, "https://e.com/a b": false,
	} {
		if got := SafeURL(u) != ""; got != want {
			t.Errorf("SafeURL(%q) ok = %v, want %v", u, got, want)
		}
	}
}
