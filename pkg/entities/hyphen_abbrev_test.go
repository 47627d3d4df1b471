package entities

import "testing"

// Issue #17: "St." at the end of a hyphenated name keeps its dot, so
// "Minneapolis-St. Paul" is one sentence and "Paul" does not open one.
func TestHyphenatedAbbreviation(t *testing.T) {
	text := "Delta resumed flights to Minneapolis-St. Paul on Monday. The airline said so."
	if got := len(Sentences(text, Tokenize(text))); got != 2 {
		t.Errorf("got %d sentences, want 2", got)
	}
}
