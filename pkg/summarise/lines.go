package summarise

import (
	"strings"
	"unicode/utf8"
)

// The line classifiers below are hand-written scanners for what were four
// regular expressions (kept in lines_test.go, which checks the scanners
// against them). Matching a regexp per sentence was ≈10% of Offline's CPU.
// They keep the regexps' semantics exactly: (?i) is Unicode simple case
// folding (strings.EqualFold per rune), \s is [\t\n\f\r ], \d is [0-9], \b
// is an ASCII word boundary.

func isSpaceRE(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipSpace returns i moved past a run of \s.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpaceRE(s[i]) {
		i++
	}
	return i
}

// skipDigits returns i moved past a run of at most max digits, and the run's length.
func skipDigits(s string, i, max int) (int, int) {
	n := 0
	for i < len(s) && n < max && isDigit(s[i]) {
		i++
		n++
	}
	return i, n
}

// foldPrefix reports whether s[i:] starts with lit under simple case
// folding (lit is lower case), and where the match ends in s.
func foldPrefix(s string, i int, lit string) (int, bool) {
	for _, lr := range lit {
		if i >= len(s) {
			return 0, false
		}
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r != lr && !equalFoldRune(r, lr) {
			return 0, false
		}
		i += size
	}
	return i, true
}

// equalFoldRune reports whether r and lr are the same letter under simple
// case folding, as (?i) in package regexp and strings.EqualFold define it.
func equalFoldRune(r, lr rune) bool {
	if r < utf8.RuneSelf && lr < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if 'A' <= lr && lr <= 'Z' {
			lr += 'a' - 'A'
		}
		return r == lr
	}
	return strings.EqualFold(string(r), string(lr))
}

// metaLine is `(?i)^(date|data|published|pubblicato|source|fonte|author|
// autore|by|di)\s*[:=]?\s*\S+( \S+){0,3}$`: a metadata line such as
// "Fonte: Ansa" or "by Jane Doe".
var metaWords = []string{"date", "data", "published", "pubblicato", "source", "fonte", "author", "autore", "by", "di"}

func isMetaLine(s string) bool {
	for _, w := range metaWords {
		i, ok := foldPrefix(s, 0, w)
		if !ok {
			continue
		}
		i = skipSpace(s, i)
		if fewFields(s[i:]) {
			return true
		}
		if i < len(s) && (s[i] == ':' || s[i] == '=') && fewFields(s[skipSpace(s, i+1):]) {
			return true
		}
	}
	return false
}

// fewFields is `^\S+( \S+){0,3}$`: one to four runs of non-blanks separated
// by single spaces.
func fewFields(s string) bool {
	if s == "" {
		return false
	}
	fields, prevSpace := 1, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false // leading space or two in a row
			}
			prevSpace = true
		case isSpaceRE(c):
			return false
		default:
			if prevSpace && i > 0 {
				fields++
			}
			prevSpace = false
		}
	}
	return !prevSpace && fields <= 4
}

var (
	dayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"}
	monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december", "gennaio", "febbraio", "marzo", "aprile",
		"maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// isDateLine is the dateline test:
//
//	(?i)^((DAY),?\s+)?(\d{1,2}\s+)?(MONTH)\s+(\d{1,2},?\s+)?\d{4}\.?$
//	|^\d{4}-\d{2}-\d{2}$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$
//
// ("Friday, July 21, 2017", "21 luglio 2017", "2017-07-21", "21/7/17").
func isDateLine(s string) bool {
	if s == "" {
		return false
	}
	if isDigit(s[0]) && (isISODate(s) || isNumericDate(s)) {
		return true
	}
	if textDateFrom(s, 0) {
		return true
	}
	for _, d := range dayNames {
		i, ok := foldPrefix(s, 0, d)
		if !ok {
			continue
		}
		if i < len(s) && s[i] == ',' {
			i++
		}
		if j := skipSpace(s, i); j > i && textDateFrom(s, j) {
			return true
		}
	}
	return false
}

// textDateFrom matches `(\d{1,2}\s+)?(MONTH)\s+(\d{1,2},?\s+)?\d{4}\.?$` at i.
func textDateFrom(s string, i int) bool {
	if j, n := skipDigits(s, i, 3); n >= 1 && n <= 2 {
		if k := skipSpace(s, j); k > j {
			i = k
		}
	}
	for _, m := range monthNames {
		j, ok := foldPrefix(s, i, m)
		if !ok {
			continue
		}
		k := skipSpace(s, j)
		if k == j {
			continue
		}
		if yearEnd(s, k) {
			return true
		}
		if d, n := skipDigits(s, k, 3); n >= 1 && n <= 2 {
			if d < len(s) && s[d] == ',' {
				d++
			}
			if e := skipSpace(s, d); e > d && yearEnd(s, e) {
				return true
			}
		}
	}
	return false
}

// yearEnd is `\d{4}\.?$` at i.
func yearEnd(s string, i int) bool {
	j, n := skipDigits(s, i, 4)
	if n != 4 {
		return false
	}
	return j == len(s) || (j == len(s)-1 && s[j] == '.')
}

// isISODate is `^\d{4}-\d{2}-\d{2}$`.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isNumericDate is `^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$`.
func isNumericDate(s string) bool {
	i, n := skipDigits(s, 0, 3)
	if n < 1 || n > 2 || i >= len(s) || (s[i] != '/' && s[i] != '.') {
		return false
	}
	i, n = skipDigits(s, i+1, 3)
	if n < 1 || n > 2 || i >= len(s) || (s[i] != '/' && s[i] != '.') {
		return false
	}
	i, n = skipDigits(s, i+1, 5)
	return n >= 2 && n <= 4 && i == len(s)
}

// metaPrefixLen is the length of the match of
// `(?i)^(date|data|published|pubblicato|updated|aggiornato)\s*[:=]?\s*
// \d{4}-\d{2}-\d{2}(t[\d:.]+(z|[+-]\d{2}:?\d{2})?)?\s*` at the start of s
// (leftmost-first, as regexp.FindString), or 0: a metadata marker glued to
// the text, as in "date 2025-12-17 Dopo Microsoft, …".
var prefixWords = []string{"date", "data", "published", "pubblicato", "updated", "aggiornato"}

func metaPrefixLen(s string) int {
	for _, w := range prefixWords {
		i, ok := foldPrefix(s, 0, w)
		if !ok {
			continue
		}
		i = skipSpace(s, i)
		if i < len(s) && (s[i] == ':' || s[i] == '=') {
			i = skipSpace(s, i+1)
		}
		if i+10 > len(s) || !isISODate(s[i:i+10]) {
			continue
		}
		i += 10
		if i < len(s) && (s[i] == 't' || s[i] == 'T') {
			j := i + 1
			for j < len(s) && (isDigit(s[j]) || s[j] == ':' || s[j] == '.') {
				j++
			}
			if j > i+1 {
				i = j
				if i < len(s) && (s[i] == 'z' || s[i] == 'Z') {
					i++
				} else if i < len(s) && (s[i] == '+' || s[i] == '-') {
					if k, n := skipDigits(s, i+1, 2); n == 2 {
						if k < len(s) && s[k] == ':' {
							k++
						}
						if e, n := skipDigits(s, k, 2); n == 2 {
							i = e
						}
					}
				}
			}
		}
		return skipSpace(s, i)
	}
	return 0
}

// captionWords are the words of
// `(?i)\b(image|photo|picture|credit|foto|immagine|fonte immagine|video)\s*:`
// ("fonte immagine" is covered by "immagine"). None of their letters has a
// non-ASCII case fold, so ASCII case folding is exact.
var captionWords = []string{"image", "photo", "picture", "credit", "foto", "immagine", "video"}

// isCaption reports a photo or video credit: a caption word, at a word
// start, followed by optional blanks and a colon.
func isCaption(s string) bool {
	for from := 0; ; {
		k := strings.IndexByte(s[from:], ':')
		if k < 0 {
			return false
		}
		colon := from + k
		end := colon
		for end > 0 && isSpaceRE(s[end-1]) {
			end--
		}
		for _, w := range captionWords {
			start := end - len(w)
			if start >= 0 && asciiEqualFold(s[start:end], w) && (start == 0 || !isWordByte(s[start-1])) {
				return true
			}
		}
		from = colon + 1
	}
}

func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// asciiEqualFold compares s to the lower-case ASCII word w, ignoring ASCII case.
func asciiEqualFold(s, w string) bool {
	for i := 0; i < len(w); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
