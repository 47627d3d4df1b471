package language

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{{"it", "it", true}, {"en-GB", "en", true}, {" IT_it ", "it", true}, {"fr", "", false}, {"", "", false}} {
		l, ok := Get(tc.in)
		if ok != tc.ok || l.Code != tc.want {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", tc.in, l.Code, ok, tc.want, tc.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	has := func(keys ...string) func(string) bool {
		return func(k string) bool {
			for _, x := range keys {
				if x == k {
					return true
				}
			}
			return false
		}
	}
	res := []Resource{
		{Name: "tagger model", Key: func(l Language) string { return l.Tagger }, Has: has("it", "en")},
		{Name: "amount lexicon", Key: func(l Language) string { return l.Amounts }, Has: has("it")},
	}
	if err := Check([]string{"it"}, res); err != nil {
		t.Errorf("Check(it) = %v", err)
	}
	err := Check([]string{"it", "en", "fr"}, res)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Check(it,en,fr) = %v, want ErrUnsupported", err)
	}
	for _, want := range []string{`"fr": not in the registry`, `"en": missing amount lexicon "en"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), `"it"`) {
		t.Errorf("Check error %q names it, which has everything", err)
	}
}

// TestNoLanguageSwitches fails when a package outside the registry grows a
// language switch of its own (`case "it"`, `lang == "en"`,
// `HasPrefix(lang, "en")`): it should read a property of the registry
// entry instead, so that adding a language stays one entry.
func TestNoLanguageSwitches(t *testing.T) {
	root := filepath.Join("..", "..")
	codes := `"(?:it|en|fr|de|es|pt)"`
	re := regexp.MustCompile(`case\s+` + codes + `|[!=]=\s*` + codes + `|` + codes + `\s*[!=]=|HasPrefix\([^)]*,\s*` + codes + `\)`)
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "language":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if re.MatchString(line) {
				t.Errorf("%s:%d: language switch outside pkg/language: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("scanned %d Go files; the walk is broken", n)
	}
}
