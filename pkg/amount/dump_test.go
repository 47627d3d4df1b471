package amount

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	if os.Getenv("AMOUNT_DUMP") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("/work/shared/data/articles/*.txt")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lang := filepath.Base(f)[:2]
		for _, a := range Find(string(b), lang) {
			s, e := max(0, a.Start-25), min(len(b), a.End+15)
			ctx := strings.ReplaceAll(string(b[s:e]), "\n", " ")
			t.Logf("%s %-8s %-30q v=%g %s %q q=%s ap=%v iso=%s | %s", filepath.Base(f)[:6], a.Kind, a.Text, a.Value, a.Currency, a.Unit, a.Qualifier, a.Approximate, a.ISO, ctx)
		}
	}
}
