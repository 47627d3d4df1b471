package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// eval stories runs the real offline pipeline and clustering on our own
// small bilingual set: one event in English and Italian with a copy, an
// unrelated Italian article, and a later story about the same company.
func TestEvalStoriesCommand(t *testing.T) {
	data, err := filepath.Abs("../../pkg/story/testdata/stories")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "eval", "stories", "--data", data, "--show", "1")
	if code != 0 {
		t.Fatalf("eval stories: exit %d, %q", code, errs)
	}
	for _, want := range []string{"B-cubed          P 1.000  R 1.000  F1 1.000", "cross-lingual    P 1.000  R 1.000", "syndication      P 1.000  R 1.000", `"languages": [`} {
		if !strings.Contains(out, want) {
			t.Errorf("eval stories output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "", "eval", "stories"); code != 2 {
		t.Errorf("eval stories without --data: exit %d, want 2", code)
	}
}
