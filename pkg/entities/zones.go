package entities

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bylines and datelines name the writer and the place of filing, not what
// the article is about (issue #14: "Toby Sterling AMSTERDAM" PERSON,
// "AMSTERDAM (Reuters)" LOCATION and ORG). Ingest may cut them from the
// body; whatever remains yields no entities.

// quietZones returns the byte ranges of body's bylines ("By Jacob Parry",
// "di Mario Rossi" alone on a line) and datelines (a paragraph's leading
// "AMSTERDAM (Reuters) -", "L'AIA -", "NEW YORK, Oct 14 (Reuters) -").
func quietZones(body string) [][2]int {
	var zs [][2]int
	for start := 0; start < len(body); {
		end := strings.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		line := body[start:end]
		if line == "" || !(line[0] == '(' || line[0] >= 'A' && line[0] <= 'Z' || line[0] == 'd' || line[0] >= utf8.RuneSelf) {
			start = end + 1
			continue
		}
		if isByline(line) {
			zs = append(zs, [2]int{start, end})
		} else if n := datelineLen(line); n > 0 {
			zs = append(zs, [2]int{start, start + n})
		}
		start = end + 1
	}
	return zs
}

// isByline: "By", "Di" or "di", then one to six capitalised words (and
// "and"/"e" between names), and nothing else on the line.
func isByline(line string) bool {
	if len(line) > 80 || !(strings.HasPrefix(line, "By ") || strings.HasPrefix(line, "BY ") || strings.HasPrefix(line, "Di ") || strings.HasPrefix(line, "di ")) {
		return false
	}
	f := strings.Fields(line)
	if len(f) < 3 || len(f) > 8 || (f[0] != "By" && f[0] != "Di" && f[0] != "di" && f[0] != "BY") {
		return false
	}
	for _, w := range f[1:] {
		if w == "and" || w == "e" || w == "&" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, ".!?:;") && !strings.HasSuffix(w, ".") {
			return false
		}
	}
	return true
}

// datelineLen returns the length of a line's leading dateline: one to
// three all-capital words (a place), optionally ", date" and "(Agency)",
// then a dash; 0 when there is none.
func datelineLen(line string) int {
	if strings.HasPrefix(line, "(") {
		// "(RTTNews) -", "(Teleborsa) -": an agency credit.
		k := strings.IndexByte(line, ')')
		if k < 0 || k > 30 || strings.ContainsAny(line[1:k], " ") && strings.Count(line[1:k], " ") > 2 {
			return 0
		}
		rest := strings.TrimLeft(line[k+1:], " ")
		for _, d := range []string{"-", "–", "—"} {
			if strings.HasPrefix(rest, d) {
				return len(line) - len(rest) + len(d)
			}
		}
		return 0
	}
	i, words := 0, 0
	for words < 4 {
		j := i
		for j < len(line) {
			r, n := utf8.DecodeRuneInString(line[j:])
			if !(unicode.IsUpper(r) || r == '\'' || r == '’' || r == '.' || r == '-') {
				break
			}
			j += n
		}
		if j-i < 2 {
			break
		}
		words++
		i = j
		if i < len(line) && line[i] == ' ' && i+1 < len(line) {
			if r, _ := utf8.DecodeRuneInString(line[i+1:]); unicode.IsUpper(r) {
				i++
				continue
			}
		}
		break
	}
	if words == 0 || words > 3 {
		return 0
	}
	rest := line[i:]
	// optional ", Oct 14" or ", 14 ottobre"
	if strings.HasPrefix(rest, ",") {
		k := strings.IndexAny(rest, "(-–—")
		if k < 0 || k > 24 {
			return 0
		}
		rest = rest[k:]
	}
	rest = strings.TrimLeft(rest, " ")
	if strings.HasPrefix(rest, "(") {
		k := strings.IndexByte(rest, ')')
		if k < 0 || k > 30 {
			return 0
		}
		rest = strings.TrimLeft(rest[k+1:], " ")
	}
	for _, d := range []string{"-", "–", "—"} {
		if strings.HasPrefix(rest, d) {
			return len(line) - len(rest) + len(d)
		}
	}
	return 0
}

// inZone reports a byte range inside one of the zones.
func inZone(start, end int, zs [][2]int) bool {
	for _, z := range zs {
		if start >= z[0] && end <= z[1] {
			return true
		}
	}
	return false
}
