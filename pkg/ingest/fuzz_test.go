package ingest

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

var sentinels = []error{ErrEmpty, ErrTooLarge, ErrBinary, ErrInvalidUTF8, ErrMalformed}

func FuzzDecode(f *testing.F) {
	for _, seed := range []struct{ data, ct string }{
		{`{"title":"T","body":"B"}`, "application/json"},
		{`{"url":"https://x.test"}`, ""},
		{`{"body":[[[[]]]]}`, "application/json"},
		{`{"title":1}`, "application/json"},
		{"Perch\xe9 no", ""},
		{"Perch\xe9 no", "text/plain; charset=iso-8859-1"},
		{"<!DOCTYPE html><p>x</p>", ""},
		{"\x89PNG\r\n\x1a\n", ""},
		{"\x1f\x8b\x08", "text/plain"},
		{"date 2025-12-17 Testo", "text/plain; charset=utf-8"},
		{"\xff\xfeC\x00", ""},
		{"", ""},
	} {
		f.Add([]byte(seed.data), seed.ct)
	}
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		s, err := Decode(data, ct, 4096)
		if err != nil {
			for _, want := range sentinels {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("Decode() error %v wraps no sentinel", err)
		}
		for _, field := range []string{s.Title, s.Body, s.URL, s.Source, s.PublishedAt, s.Language} {
			if !utf8.ValidString(field) {
				t.Fatalf("Decode() = %+v: invalid UTF-8", s)
			}
		}
		if len(s.Body) > 4096 {
			t.Fatalf("Decode() body is %d bytes, over the limit", len(s.Body))
		}
	})
}

func FuzzNormalise(f *testing.F) {
	for _, seed := range []struct {
		title, body string
		html        bool
	}{
		{"", "date 2025-12-17 Dopo Microsoft.\n\nUn titoletto\nTesto.", false},
		{"", "Titolo\n\nCorpo.\n\nAltro.", false},
		{"", "Titolo\n\ndate 2025-01-01\n\nCorpo.", false},
		{" T ", "a\u00a0\u00a0b\r\n\r\nc\u0301", false},
		{"", "riga spezzata\ne continua\n\nFine", false},
		{"", "<html><body><article><p>Testo lungo abbastanza per essere un articolo.</p></article></body></html>", true},
		{"", "<script>x</script>", true},
		{"", "\u200b \ufeff", false},
	} {
		f.Add(seed.title, seed.body, seed.html)
	}
	f.Fuzz(func(t *testing.T, title, body string, html bool) {
		a, err := Normalise(news.Submission{Title: title, Body: body, HTML: html}, now)
		if err != nil {
			for _, want := range sentinels {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("Normalise() error %v wraps no sentinel", err)
		}
		if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Body) {
			t.Fatalf("Normalise() = %q / %q: invalid UTF-8", a.Title, a.Body)
		}
		if a.Body == "" || strings.TrimSpace(a.Body) != a.Body {
			t.Fatalf("Normalise() body %q is empty or has leading/trailing space", a.Body)
		}
		if strings.Contains(a.Body, "\n\n\n") || strings.Contains(a.Title, "\n") {
			t.Fatalf("Normalise() = %q / %q: bad paragraph breaks", a.Title, a.Body)
		}
		again, err := Normalise(resubmit(a), now)
		if err != nil {
			t.Fatalf("Normalise(own output) error = %v", err)
		}
		if again.ID != a.ID || again.Title != a.Title || again.Body != a.Body {
			t.Fatalf("Normalise is not idempotent:\n first %q / %q\nsecond %q / %q", a.Title, a.Body, again.Title, again.Body)
		}
	})
}

// FuzzFromHTML: the go-readability wrapper never panics on any page, fails
// only with ErrEmpty, and returns non-blank text when it succeeds.
func FuzzFromHTML(f *testing.F) {
	for _, seed := range []struct{ page, url string }{
		{"<html><head><title>Titolo - Sito</title></head><body><article><h1>Titolo</h1><p>Il primo paragrafo dell'articolo, lungo abbastanza da essere letto come testo principale della pagina.</p><p>Un secondo paragrafo.</p></article></body></html>", "https://example.test/a/1"},
		{"<script>alert(1)</script><nav><a href=/>Home</a></nav>", ""},
		{"<p>unclosed <b>bold <i>italic</p></div></span>", "not a url"},
		{"<html><body>" + strings.Repeat("<div>", 500) + "deep" + strings.Repeat("</div>", 500) + "</body></html>", ""},
		{"<meta charset=latin1><p>Perch\xe9 s\xec</p>", ""},
		{"<!-- only a comment -->", ""},
		{"", ""},
	} {
		f.Add(seed.page, seed.url)
	}
	f.Fuzz(func(t *testing.T, page, pageURL string) {
		h, err := fromHTML(page, pageURL)
		if err != nil {
			if !errors.Is(err, ErrEmpty) {
				t.Fatalf("fromHTML error %v is not ErrEmpty", err)
			}
			return
		}
		if strings.TrimSpace(h.text) == "" {
			t.Fatalf("fromHTML(%q) succeeded with blank text", page)
		}
	})
}
