package llm

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
	"golang.org/x/text/unicode/norm"
)

// This file holds the grounding checks: the model may only say what the
// article says. Entities must be found in the body (and their offsets are
// ours, not the model's); briefs may not state numbers or proper names the
// article does not contain.

// ---- entity spans ----

// folded is the body with a case-, space- and apostrophe-insensitive form
// of every rune, kept with the rune's byte range in the original text.
type folded struct {
	runes []rune
	start []int
	end   []int
}

func foldRune(r rune) rune {
	switch r {
	case '’', '‘', '`', '´', 'ʼ', '′':
		return '\''
	case '“', '”', '«', '»', '„':
		return '"'
	case '–', '—', '‐', '‑':
		return '-'
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return unicode.ToLower(r)
}

func foldText(s string) folded {
	var f folded
	for i, r := range s {
		fr := foldRune(r)
		n := i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			n = i + 1
		}
		if fr == ' ' && len(f.runes) > 0 && f.runes[len(f.runes)-1] == ' ' {
			f.end[len(f.end)-1] = n // collapse runs of space
			continue
		}
		f.runes = append(f.runes, fr)
		f.start = append(f.start, i)
		f.end = append(f.end, n)
	}
	return f
}

func foldPattern(s string) []rune {
	f := foldText(norm.NFC.String(strings.TrimSpace(s)))
	return f.runes
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// findSpans returns every whole-word occurrence of surface in body as byte
// ranges of body: exact matches if there are any, otherwise matches that
// ignore case, runs of spaces and the kind of apostrophe.
func findSpans(body string, f folded, surface string) []news.Mention {
	surface = strings.TrimSpace(surface)
	if surface == "" {
		return nil
	}
	var out []news.Mention
	for from := 0; from < len(body); {
		i := strings.Index(body[from:], surface)
		if i < 0 {
			break
		}
		s, e := from+i, from+i+len(surface)
		if boundaryOK(body, s, e) {
			out = append(out, news.Mention{Start: s, End: e})
		}
		_, w := utf8.DecodeRuneInString(body[s:])
		from = s + max(w, 1)
	}
	if len(out) > 0 {
		return out
	}
	p := foldPattern(surface)
	if len(p) == 0 {
		return nil
	}
	for i := 0; i+len(p) <= len(f.runes); i++ {
		if !slices.Equal(f.runes[i:i+len(p)], p) {
			continue
		}
		s, e := f.start[i], f.end[i+len(p)-1]
		if boundaryOK(body, s, e) {
			out = append(out, news.Mention{Start: s, End: e})
		}
	}
	return out
}

// boundaryOK reports whether body[s:e] is not the middle of a word.
func boundaryOK(body string, s, e int) bool {
	first, _ := utf8.DecodeRuneInString(body[s:e])
	last, _ := utf8.DecodeLastRuneInString(body[s:e])
	if isWordRune(first) && s > 0 {
		prev, _ := utf8.DecodeLastRuneInString(body[:s])
		if isWordRune(prev) {
			return false
		}
	}
	if isWordRune(last) && e < len(body) {
		next, _ := utf8.DecodeRuneInString(body[e:])
		if isWordRune(next) {
			return false
		}
	}
	return true
}

// mergeMentions sorts ms and drops ranges that overlap an earlier one.
func mergeMentions(ms []news.Mention) []news.Mention {
	slices.SortFunc(ms, func(a, b news.Mention) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	var out []news.Mention
	for _, m := range ms {
		if len(out) > 0 && m.Start < out[len(out)-1].End {
			continue
		}
		out = append(out, m)
	}
	return out
}

// ---- brief claims ----

// token is a word or number of a text, as the grounding check sees it.
type token struct {
	text    string // as written
	number  bool   // starts with a digit
	digits  string // number: its digits only ("1.200,5" -> "12005")
	atStart bool   // first word of a sentence, line or bullet
}

// tokenize splits s into words and numbers. Digits joined by '.', ',', an
// apostrophe or a (thin, no-break) space before a group of three digits
// form one number, so "1,200", "1.200" and "1 200" all read 1200.
func tokenize(s string) []token {
	rs := []rune(s)
	var out []token
	atStart := true
	for i := 0; i < len(rs); {
		r := rs[i]
		if !isWordRune(r) {
			switch r {
			case '.', '!', '?', ':', ';', '\n', '•':
				atStart = true
			}
			i++
			continue
		}
		j := i
		for j < len(rs) {
			if isWordRune(rs[j]) {
				j++
				continue
			}
			if j+1 < len(rs) && unicode.IsDigit(rs[j-1]) && unicode.IsDigit(rs[j+1]) && unicode.IsDigit(rs[i]) {
				switch rs[j] {
				case '.', ',', '\'', '’':
					j++
					continue
				case ' ', '\u00a0', '\u202f':
					if threeDigits(rs, j+1) {
						j++
						continue
					}
				}
			}
			break
		}
		t := token{text: string(rs[i:j]), atStart: atStart}
		if unicode.IsDigit(r) {
			t.number = true
			var b strings.Builder
			for _, c := range rs[i:j] {
				if unicode.IsDigit(c) {
					b.WriteRune(c)
				} else if unicode.IsLetter(c) {
					break // "10bn", "4o": the unit is not checked
				}
			}
			t.digits = strings.TrimLeft(b.String(), "0")
			if t.digits == "" {
				t.digits = "0"
			}
		}
		out = append(out, t)
		atStart = false
		i = j
	}
	return out
}

func threeDigits(rs []rune, i int) bool {
	if i+3 > len(rs) {
		return false
	}
	for k := i; k < i+3; k++ {
		if !unicode.IsDigit(rs[k]) {
			return false
		}
	}
	return i+3 == len(rs) || !unicode.IsDigit(rs[i+3])
}

// wordKey is how words are compared: NFC, lower case, accents stripped,
// and mapped through the small Italian/English alias table so that a
// translated brief may say "Italy" for "Italia" or "March" for "marzo".
func wordKey(w string) string {
	w = strings.ToLower(norm.NFC.String(w))
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	k := b.String()
	if a, ok := aliases[k]; ok {
		return a
	}
	return k
}

// aliases maps words that differ between Italian and English to one key.
// It is deliberately small: months, weekdays and the places and
// institutions tech news names most. A missing pair only costs a retry or
// an offline brief, never a wrong one.
var aliases = func() map[string]string {
	m := map[string]string{}
	groups := [][]string{
		{"january", "gennaio", "jan", "gen"}, {"february", "febbraio", "feb"}, {"march", "marzo", "mar"},
		{"april", "aprile", "apr"}, {"may", "maggio", "mag"}, {"june", "giugno", "jun", "giu"},
		{"july", "luglio", "jul", "lug"}, {"august", "agosto", "aug", "ago"},
		{"september", "settembre", "sep", "sept", "set"}, {"october", "ottobre", "oct", "ott"},
		{"november", "novembre", "nov"}, {"december", "dicembre", "dec", "dic"},
		{"monday", "lunedi"}, {"tuesday", "martedi"}, {"wednesday", "mercoledi"}, {"thursday", "giovedi"},
		{"friday", "venerdi"}, {"saturday", "sabato"}, {"sunday", "domenica"},
		{"italy", "italia"}, {"italian", "italiano", "italiana", "italiani", "italiane"},
		{"germany", "germania"}, {"german", "tedesco", "tedesca", "tedeschi"}, {"france", "francia"},
		{"french", "francese", "francesi"}, {"spain", "spagna"}, {"europe", "europa"},
		{"european", "europeo", "europea", "europei", "europee"}, {"union", "unione"},
		{"commission", "commissione"}, {"parliament", "parlamento"}, {"council", "consiglio"},
		{"court", "corte"}, {"government", "governo"}, {"china", "cina"}, {"chinese", "cinese", "cinesi"},
		{"japan", "giappone"}, {"japanese", "giapponese"}, {"korea", "corea"}, {"ukraine", "ucraina"},
		{"united", "uniti", "unito"}, {"states", "stati"}, {"kingdom", "regno"}, {"britain", "bretagna"},
		{"american", "americano", "americana", "americani", "statunitense", "statunitensi"},
		{"eu", "ue"}, {"us", "usa"}, {"uk", "gb"}, {"ai", "ia"}, {"rome", "roma"}, {"milan", "milano"},
		{"turin", "torino"}, {"naples", "napoli"}, {"florence", "firenze"}, {"venice", "venezia"},
		{"genoa", "genova"}, {"brussels", "bruxelles"}, {"london", "londra"}, {"paris", "parigi"},
		{"geneva", "ginevra"}, {"switzerland", "svizzera"}, {"netherlands", "olanda", "paesi"},
		{"russia", "russia"}, {"india", "india"}, {"taiwan", "taiwan"}, {"silicon", "silicio"}, {"valley", "valle"},
		{"antitrust", "antitrust"}, {"ministry", "ministero"}, {"minister", "ministro"}, {"president", "presidente"},
	}
	for _, g := range groups {
		for _, w := range g {
			m[w] = g[0]
		}
	}
	return m
}()

// stopNames are capitalised words a brief may use without the article
// using them: titles and the job acronyms of business news.
var stopNames = map[string]bool{
	"i": true, "mr": true, "mrs": true, "ms": true, "dr": true, "ceo": true, "cfo": true, "cto": true,
	"coo": true, "ad": true, "ai": true, "ia": true, "ok": true, "tv": true, "pc": true,
}

// articleIndex is the set of word keys and number digit strings of an
// article (plus any extra names, e.g. canonical entity names).
type articleIndex struct {
	words   map[string]bool
	numbers map[string]bool
}

func indexArticle(texts ...string) articleIndex {
	ix := articleIndex{words: map[string]bool{}, numbers: map[string]bool{}}
	for _, s := range texts {
		for _, t := range tokenize(s) {
			if t.number {
				ix.numbers[t.digits] = true
				continue
			}
			k := wordKey(t.text)
			ix.words[k] = true
			if n, ok := numberWords[k]; ok {
				ix.numbers[n] = true // "five" grounds "5"
			}
		}
		// Dotted acronyms: "D.C." and "U.S." ground "DC" and "US".
		for _, m := range dottedRE.FindAllString(s, -1) {
			ix.words[wordKey(strings.ReplaceAll(m, ".", ""))] = true
		}
	}
	return ix
}

var dottedRE = regexp.MustCompile(`\b(?:\p{Lu}\.){2,}`)

// numberWords are the English and Italian number words an article may
// spell out where a brief uses digits.
var numberWords = func() map[string]string {
	m := map[string]string{}
	en := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
		"twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"}
	it := []string{"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici",
		"dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove", "venti"}
	for i := range en {
		m[en[i]] = fmt.Sprint(i)
		m[it[i]] = fmt.Sprint(i)
	}
	m["una"] = "1"
	for i, w := range []string{"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand"} {
		m[w] = []string{"30", "40", "50", "60", "70", "80", "90", "100", "1000"}[i]
	}
	for i, w := range []string{"trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta", "cento", "mille"} {
		m[w] = []string{"30", "40", "50", "60", "70", "80", "90", "100", "1000"}[i]
	}
	delete(m, "zero")
	return m
}()

// stemGrounded accepts a name that differs from an article word only in a
// short ending ("Australian" for "Australia", "Italiani" for "Italia"):
// both share a prefix of at least 6 letters that covers all but the last
// three letters of each.
func (ix articleIndex) stemGrounded(k string) bool {
	r := []rune(k)
	if len(r) < 7 {
		return false
	}
	for w := range ix.words {
		wr := []rune(w)
		p := 0
		for p < len(r) && p < len(wr) && r[p] == wr[p] {
			p++
		}
		if p >= 6 && len(r)-p <= 3 && len(wr)-p <= 3 {
			return true
		}
	}
	return false
}

// Violation is one number or name in a brief that the article lacks.
type Violation struct {
	Kind string // "number" or "name"
	Text string
	// Field is "headline", "summary" or "key_points[i]".
	Field string
}

func (v Violation) String() string { return fmt.Sprintf("%s %q in %s", v.Kind, v.Text, v.Field) }

// checkClaims returns the numbers and proper names of text that are not in
// the article. Proper names are capitalised words (two letters or more)
// not at the start of a sentence, acronyms anywhere, and words with digits.
// A title-case line (most words capitalised, as English headlines often
// are) has only its numbers, acronyms and words with digits checked.
func checkClaims(ix articleIndex, field, text string) []Violation {
	toks := tokenize(text)
	caps, words := 0, 0
	for _, t := range toks {
		if t.number {
			continue
		}
		words++
		if r, _ := utf8.DecodeRuneInString(t.text); unicode.IsUpper(r) {
			caps++
		}
	}
	titleCase := words >= 4 && caps*10 >= words*7
	var out []Violation
	seen := map[string]bool{}
	add := func(kind, txt string) {
		if !seen[kind+txt] {
			seen[kind+txt] = true
			out = append(out, Violation{Kind: kind, Text: txt, Field: field})
		}
	}
	for _, t := range toks {
		if t.number {
			if !ix.numbers[t.digits] {
				add("number", t.text)
			}
			continue
		}
		if !isName(t, titleCase) {
			continue
		}
		k := wordKey(t.text)
		if stopNames[k] || ix.words[k] || ix.stemGrounded(k) {
			continue
		}
		add("name", t.text)
	}
	return out
}

// isName reports whether a word token must be grounded.
func isName(t token, titleCase bool) bool {
	n, upper, digit := 0, 0, false
	for _, r := range t.text {
		n++
		if unicode.IsUpper(r) {
			upper++
		}
		if unicode.IsDigit(r) {
			digit = true
		}
	}
	first, _ := utf8.DecodeRuneInString(t.text)
	switch {
	case digit:
		return true // "M3", "H100"
	case n >= 2 && upper == n:
		return true // acronym
	case n >= 2 && upper >= 2:
		return true // "OpenAI", "iPhone" style inner capitals
	case unicode.IsLower(first) && upper >= 1:
		return true // "iPhone", "eBay"
	case titleCase || t.atStart:
		return false
	}
	return n >= 2 && unicode.IsUpper(first)
}
