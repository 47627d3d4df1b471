package langdetect

import (
	"math"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/corpus"
)

// TestConfidenceMatchesLingua checks that scoring in chunks gives lingua's
// own answer on whole articles (ours, internal/corpus): same top language, same confidence.
func TestConfidenceMatchesLingua(t *testing.T) {
	d, err := New([]string{"it", "en"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range corpus.All() {
		text := Sample("", a.Text, DefaultSampleChars)
		want := d.det.ComputeLanguageConfidenceValues(text)
		got := d.confidence(text)
		if got[0].Language() != want[0].Language() || math.Abs(got[0].Value()-want[0].Value()) > 0.01 {
			t.Errorf("%s: confidence() top = %v %.4f, lingua says %v %.4f", a.Name, got[0].Language(), got[0].Value(), want[0].Language(), want[0].Value())
		}
	}
}

func TestChunk(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
		want []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"aaaa bbbb cccc dddd", 10, []string{"aaaa bbbb", "cccc dddd"}},
		{"aaaaaaaaaaaaaa bb", 10, []string{"aaaaaaaaaaaaaa", "bb"}},
		{"aaaaaaaaaaaaaaa", 10, []string{"aaaaaaaaaaaaaaa"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got := chunk(tc.text, tc.n)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("chunk(%q, %d) = %q, want %q", tc.text, tc.n, got, tc.want)
			}
		})
	}
}

// TestEarlyStopMatchesFullSample builds mixed-language inputs — English
// headlines over Italian bodies, an English quote opening an Italian body,
// Italian headlines over English bodies — and checks that stopping early
// (decisiveLead) picks the language lingua picks on the whole sample. With
// 160-byte chunks, deciding on the first would flip two of them to English.
func TestEarlyStopMatchesFullSample(t *testing.T) {
	d, err := New([]string{"it", "en"})
	if err != nil {
		t.Fatal(err)
	}
	enTitles := []string{"OpenAI unveils GPT-5 with better reasoning", "Amazon Web Services announces new Trainium chips for AI training",
		"Nvidia stock falls after export rules", "Apple's Vision Pro: hands-on review"}
	itTitles := []string{"Amazon investe nel cloud e nell'AI", "Il governo approva il decreto sulla cybersicurezza", "Nvidia, crollo in borsa dopo le nuove regole"}
	const quote = "\"We are committed to open research and to safety,\" said the company in a statement. "
	n, differ := 0, 0
	check := func(title, body string) {
		n++
		got, err := d.Detect(title, body, "")
		vals := d.det.ComputeLanguageConfidenceValues(Sample(title, body, DefaultSampleChars))
		if want := code(vals[0].Language()); err != nil || got.Code != want {
			differ++
			t.Errorf("Detect(%q, %.60q…) = %v, %v; the whole sample says %s", title, body, got, err, want)
		}
	}
	for i, a := range corpus.All() {
		body := a.Body()
		if a.Lang == "en" {
			check(itTitles[i%len(itTitles)], body)
			continue
		}
		check(enTitles[i%len(enTitles)], body)
		check(itTitles[i%len(itTitles)], quote+body)
	}
	t.Logf("%d mixed samples, %d differ from the whole-sample answer", n, differ)
}
