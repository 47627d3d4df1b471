package summarise

import (
	"strings"
	"unicode/utf8"
)

// Headline returns a tidy headline of at most MaxHeadline runes: the title
// when it fits, else the title (or, without a title, the lead sentence) cut
// at the last clause boundary that fits, or at a word boundary with "…".
func Headline(title, lead string) string {
	src := oneLine(title)
	if src == "" {
		src = oneLine(lead)
	}
	src = strings.TrimRight(src, " .;:,")
	return shorten(src, MaxHeadline, 3, false)
}

// clauseMarks are the places a long sentence may be cut: after punctuation,
// or before a conjunction or relative pronoun.
var clauseMarks = []struct {
	mark   string
	before bool // cut before the mark (conjunctions), not after it
}{
	{", ", false}, {"; ", false}, {": ", false}, {" – ", true}, {" — ", true}, {" - ", true},
	{" (", true}, {" che ", true}, {" perché ", true}, {" mentre ", true}, {" ma ", true},
	{" poiché ", true}, {" dopo che ", true}, {" which ", true}, {" who ", true}, {" because ", true},
	{" while ", true}, {" but ", true}, {" after ", true}, {" as ", true}, {" e ", true}, {" and ", true},
}

// shorten cuts s to at most limit runes without breaking a word. It prefers
// the last clause boundary that keeps at least limit/minDiv runes; a cut
// anywhere else ends with "…", and so does every cut when mark is set.
// Trailing punctuation and dangling function words are removed.
func shorten(s string, limit, minDiv int, mark bool) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	// Byte offset of the rune limit.
	maxByte := len(s)
	n := 0
	for i := range s {
		if n == limit {
			maxByte = i
			break
		}
		n++
	}
	minByte := 0
	n = 0
	for i := range s {
		if n == limit/minDiv {
			minByte = i
			break
		}
		n++
	}
	best := -1
	for _, m := range clauseMarks {
		from := 0
		for {
			k := strings.Index(s[from:], m.mark)
			if k < 0 {
				break
			}
			at := from + k
			cut := at
			if !m.before {
				cut = at + 1 // keep the punctuation, trimmed below
			}
			if cut > maxByte {
				break
			}
			if cut >= minByte && cut > best {
				best = cut
			}
			from = at + len(m.mark)
		}
	}
	if best > 0 {
		return tidyEnd(s[:best], mark)
	}
	// Word boundary with an ellipsis (one rune of room for it).
	cut := strings.LastIndexByte(s[:prevRune(s, maxByte)], ' ')
	if cut <= 0 {
		return string([]rune(s)[:limit-1]) + "…"
	}
	return tidyEnd(s[:cut], true)
}

func prevRune(s string, i int) int {
	_, size := utf8.DecodeLastRuneInString(s[:i])
	return i - size
}

// tidyEnd drops trailing punctuation and function words; with ellipsis it
// appends "…".
func tidyEnd(s string, ellipsis bool) string {
	for {
		s = strings.TrimRight(s, " ,;:–—-(")
		i := strings.LastIndexByte(s, ' ')
		if i < 0 {
			break
		}
		last := strings.ToLower(s[i+1:])
		if !stopwords[last] || len(s[:i]) < 10 {
			break
		}
		s = s[:i]
	}
	if ellipsis {
		return s + "…"
	}
	return s
}
