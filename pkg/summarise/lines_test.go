package summarise

import (
	"github.com/newsbrief/newsbrief/internal/corpus"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/newsbrief/newsbrief/pkg/sentence"
)

// The regular expressions the scanners in lines.go replace, verbatim.
var (
	refMetaLine   = regexp.MustCompile(`(?i)^(date|data|published|pubblicato|source|fonte|author|autore|by|di)\s*[:=]?\s*\S+( \S+){0,3}$`)
	refDateLine   = regexp.MustCompile(`(?i)^((monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica),?\s+)?(\d{1,2}\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\s+(\d{1,2},?\s+)?\d{4}\.?$|^\d{4}-\d{2}-\d{2}$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$`)
	refMetaPrefix = regexp.MustCompile(`(?i)^(date|data|published|pubblicato|updated|aggiornato)\s*[:=]?\s*\d{4}-\d{2}-\d{2}(t[\d:.]+(z|[+-]\d{2}:?\d{2})?)?\s*`)
	refCaption    = regexp.MustCompile(`(?i)\b(image|photo|picture|credit|foto|immagine|fonte immagine|video)\s*:`)
)

// checkLine compares every scanner with its regexp on s.
func checkLine(t *testing.T, s string) {
	t.Helper()
	if got, want := isMetaLine(s), refMetaLine.MatchString(s); got != want {
		t.Errorf("isMetaLine(%q) = %v, regexp says %v", s, got, want)
	}
	if got, want := isDateLine(s), refDateLine.MatchString(s); got != want {
		t.Errorf("isDateLine(%q) = %v, regexp says %v", s, got, want)
	}
	if got, want := metaPrefixLen(s), len(refMetaPrefix.FindString(s)); got != want {
		t.Errorf("metaPrefixLen(%q) = %d, regexp says %d", s, got, want)
	}
	if got, want := isCaption(s), refCaption.MatchString(s); got != want {
		t.Errorf("isCaption(%q) = %v, regexp says %v", s, got, want)
	}
}

var lineCases = []string{
	"", " ", "date", "date 2025-12-17", "DATE: 2025-12-17 Dopo Microsoft", "Data=2025-12-17T10:00:00Z testo",
	"published 2025-12-17T10:00:00.123+01:00  x", "updated 2025-12-17t10:00+0100", "aggiornato 2025-12-17T:", "date 2025-12-17T",
	"date 2025-12-17T10+01:", "date 2025-12-17T10+01:0", "date 2025-12-17T10-0130rest", "date\t\n2025-12-17\r\n", "date 2025-1-17",
	"Fonte: Ansa", "fonte : Ansa Reuters", "by Jane Doe", "bypass all", "By  Jane", "Author: a b c d", "Author: a b c d e", "di Mario Rossi.",
	"source:", "source: ", "source = x ", "source = x\ty", "Di\u00a0Mario", "pubblicato: 12 marzo 2024",
	"Friday, July 21, 2017", "friday july 21 2017", "Friday,  July 21, 2017.", "21 luglio 2017", "luglio 2017", "Lunedì 3 marzo 2025",
	"LUNEDÌ, 3 MARZO 2025", "3 May 2025", "May 2025.", "May 3,2025", "May 3, 20255", "May 123, 2025", "123 May 2025", "Mayo 2025",
	"2017-07-21", "2017-07-21 ", "21/7/17", "21.07.2017", "1/1/1", "1/1/12345", "21-07-2017",
	"A map of the network. Image: Harbor Telecom.", "Photo : AP", "photograph: no", "Foto:x", "fonte immagine: Ansa", "VIDEO\t:",
	"teleimage: x", "_image: x", "éimage: x", "image", "credit:", "a:b:c image :", "Picture\n\n: x",
	"\u017Fource: x", "Pub\u017Flished: x", "date\u212A", "\xffdate 2025-12-17", "date 2025-12-17\xff", "di \xff",
	"Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI.",
}

func TestLineScanners(t *testing.T) {
	for _, s := range lineCases {
		checkLine(t, s)
	}
	// Every line and sentence of our articles.
	n := 0
	for _, a := range corpus.All() {
		for _, p := range strings.Split(a.Text, "\n") {
			checkLine(t, p)
			n++
		}
		for _, s := range sentence.Texts(a.Text, sentence.Split(a.Text, "")) {
			checkLine(t, s)
			n++
		}
	}
	t.Logf("%d texts", n)
}

// TestCaptionFolds backs the claim in lines.go that the caption words have
// no non-ASCII case fold, so comparing ASCII case is exact.
func TestCaptionFolds(t *testing.T) {
	for _, w := range captionWords {
		for _, r := range w {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f >= 0x80 {
					t.Errorf("%q in %q folds to %q", r, w, f)
				}
			}
		}
	}
}

func FuzzLineScanners(f *testing.F) {
	for _, s := range lineCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkLine(t, s)
	})
}

func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"", " ", "a b", "a  b", " a", "a ", "a\tb", "a\u00a0b", "a\u0085b", "a\xffb", "a\nb", "a\u2028b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := oneLine(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
	})
}
