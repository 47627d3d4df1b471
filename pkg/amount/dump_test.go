package amount

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
)

// TestSharedArticles runs Find over the shared Wikinews articles: it checks
// the span invariants on real text and, with AMOUNT_DUMP=1 and -v, prints
// every amount in context for reading by eye.
func TestSharedArticles(t *testing.T) {
	files, err := filepath.Glob(shared.Path(t, "articles", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Skipf("no shared articles (%v)", err)
	}
	dump := os.Getenv("AMOUNT_DUMP") != ""
	counts := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		text, lang := string(b), filepath.Base(f)[:2]
		as := Find(text, lang)
		checkInvariants(t, text, as)
		for _, a := range as {
			counts[a.Kind]++
			if dump {
				s, e := max(0, a.Start-25), min(len(text), a.End+15)
				t.Logf("%s %s | %s", filepath.Base(f), show(a), strings.ReplaceAll(text[s:e], "\n", " "))
			}
		}
	}
	t.Logf("%d articles: %v", len(files), counts)
}
