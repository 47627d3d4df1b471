package langdetect

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
)

// TestConfidenceMatchesLingua checks that scoring in chunks gives lingua's
// own answer on whole articles: same top language, same confidence.
func TestConfidenceMatchesLingua(t *testing.T) {
	paths, _ := filepath.Glob(shared.Path(t, "articles", "*.txt"))
	paths = append(paths, shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	d, err := New([]string{"it", "en"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Skip(err)
		}
		text := Sample("", string(data), DefaultSampleChars)
		want := d.det.ComputeLanguageConfidenceValues(text)
		got := d.confidence(text)
		if got[0].Language() != want[0].Language() || math.Abs(got[0].Value()-want[0].Value()) > 0.01 {
			t.Errorf("%s: confidence() top = %v %.4f, lingua says %v %.4f", filepath.Base(p), got[0].Language(), got[0].Value(), want[0].Language(), want[0].Value())
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
