package langdetect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
)

// TestEvalSampleSize measures how the body sample size changes detection on
// the Wikinews articles (issue #7): every article is detected from each of
// its paragraphs onwards (title + body from that paragraph), at several
// sample sizes. Run with -v to see the table; it fails if the default size
// is less accurate than 1000 characters.
func TestEvalSampleSize(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation")
	}
	files, _ := filepath.Glob(filepath.Join(shared.Path(t, "articles"), "*_wikinews_*.txt"))
	if len(files) == 0 {
		t.Skip("no articles in the shared data")
	}
	type sample struct{ want, title, body string }
	var samples []sample
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		title, body, _ := strings.Cut(string(data), "\n\n")
		want := filepath.Base(f)[:2]
		paras := strings.Split(body, "\n")
		for i := range paras {
			rest := strings.TrimSpace(strings.Join(paras[i:], "\n"))
			if len(rest) < 200 {
				break
			}
			samples = append(samples, sample{want, title, rest})
		}
	}
	sizes := []int{1000, 600, 500, 400, 300}
	wrong := map[int]int{}
	for _, size := range sizes {
		d, err := New([]string{"it", "en"}, WithSampleChars(size))
		if err != nil {
			t.Fatal(err)
		}
		var ok, bad, minConf = 0, 0, 1.0
		for _, s := range samples {
			l, err := d.Detect(s.title, s.body, "")
			if err != nil || l.Code != s.want {
				bad++
				continue
			}
			ok++
			minConf = min(minConf, l.Confidence)
		}
		wrong[size] = bad
		t.Logf("sample %4d chars: %d samples, %d correct, %d wrong or rejected, lowest confidence when correct %.3f", size, len(samples), ok, bad, minConf)
	}
	if wrong[DefaultSampleChars] > wrong[1000] {
		t.Errorf("default sample %d: %d wrong, 1000 chars: %d", DefaultSampleChars, wrong[DefaultSampleChars], wrong[1000])
	}
}
