package entities

import (
	"strings"
	"testing"
)

// refNormKey and refClean are normKey and Canonical's cleaning before the
// ASCII fast path of issue #7 round 4, kept as the reference.
func refNormKey(s string) string {
	s = strings.ReplaceAll(s, "’", "'")
	s = strings.ReplaceAll(s, "`", "'")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func refClean(s string) string { return strings.Join(strings.Fields(s), " ") }

func checkNormKey(t *testing.T, s string) {
	if got, want := normKey(s), refNormKey(s); got != want {
		t.Fatalf("normKey(%q) = %q, want %q", s, got, want)
	}
	n, _ := Canonical(s, "X")
	if a, ok := aliases[refNormKey(refClean(s))]; ok {
		if n != a.canonical {
			t.Fatalf("Canonical(%q) = %q, want alias %q", s, n, a.canonical)
		}
	} else if n != refClean(s) {
		t.Fatalf("Canonical(%q) = %q, want %q", s, n, refClean(s))
	}
}

// TestNormKeyMatchesReference checks normKey and Canonical on every alias
// line's names, every token and every run of 1–4 tokens of the golden texts.
func TestNormKeyMatchesReference(t *testing.T) {
	if _, _, err := loadAliases(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(kbTSV, "\n") {
		for _, f := range strings.Split(line, "\t") {
			for _, s := range strings.Split(f, "|") {
				checkNormKey(t, s)
			}
		}
	}
	n := 0
	cases := goldenCases(t)
	if testing.Short() {
		cases = cases[:200]
	}
	for _, c := range cases {
		toks := Tokenize(c.body)
		for i := range toks {
			for j := i + 1; j <= min(i+4, len(toks)); j++ {
				checkNormKey(t, c.body[toks[i].Start:toks[j-1].End])
				n++
			}
		}
	}
	t.Logf("%d spans", n)
}

func FuzzNormKey(f *testing.F) {
	for _, s := range []string{"", " ", "Stati  Uniti", "stati uniti ", "\tUSA", "Banca d’Italia", "a`b", "AWS", "x\u00a0y", "\xff"} {
		f.Add(s)
	}
	if _, _, err := loadAliases(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(checkNormKey)
}
