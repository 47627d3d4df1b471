package ingest

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// refCleanText is cleanText before its fast path (round 3 of issue #7).
func refCleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case refIsInvisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

func refIsInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u2060', '\ufeff', '\u00ad':
		return true
	case '\u200c', '\u200d':
		return false
	}
	return unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != '\u200e' && r != '\u200f')
}

func TestIsInvisibleEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if got, want := isInvisible(r), refIsInvisible(r); got != want {
			t.Fatalf("isInvisible(%U) = %v, want %v", r, got, want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\u00a0b", "a\u200bb", "a \u200b b",
		"\u00ad", "e\u0301", "\xff", "a\x01b", "x\u2028y", "caf\u00e9 \u200e", "\ufeffTitolo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanText(s), refCleanText(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
	})
}
