// Package amount finds money, percentages, quantities and dates in Italian and
// English news text and normalises them to numbers, currency codes and ISO
// dates, with byte offsets into the text.
//
// It exists because the figures are the part of a tech-news brief a reader
// checks first, and both the offline entity extractor and the LLM path need the
// same answer to "what does «oltre 10 miliardi di dollari» mean": 1e10 USD,
// qualified as "over". An LLM may point at a span; Normalise re-derives the
// value from that span so a model never gets to invent a number.
//
// The scanner is hand-written: one pass splits the text into words, numbers
// and signs, and a few small matchers read the token stream. There is no
// regular expression and no backtracking beyond a handful of tokens.
//
// Rules decided here (the tests pin each one):
//   - The span covers number, scale, currency or unit ("10 miliardi di
//     dollari", "decine di milioni di Cpu", "500.000 chip"). A qualifier
//     before it ("oltre", "more than", "fino al") is reported in Qualifier and
//     is not inside the span; neither is an article ("il 27 per cento" spans
//     "27 per cento").
//   - A number becomes a QUANTITY only when it has a scale word (mila,
//     milioni, million, bn...), or is 1000 or more (and is not a year or a
//     model number such as "RTX 5090"), or is followed by a unit noun from a
//     short list (chip, utenti, dipendenti, users, jobs, GB...), or has a
//     qualifier and a following noun ("più di 100 startup"). Ordinary small
//     numbers ("3 volte", "le due aziende", "10.30") produce nothing.
//   - Vague amounts ("decine di milioni di Cpu", "tens of millions of users",
//     "milioni di utenti") are Approximate with the lower bound as Value, and
//     need "di"/"of" and a currency or a noun after them.
//   - Digits glued to letters are identifiers, never amounts: iPhone 17 is
//     fine, but COVID-19, GPT-4, H100 and 5G yield nothing. A glued suffix must
//     be a scale (10mila, $10bn) or a measurement unit (3nm, 10GB). The
//     one-letter scales m, k, b count only with a currency ("£2.3m").
//   - A plain four-digit number from 1900 to 2100 is a DATE (ISO "2025")
//     unless a scale, currency, percent sign or unit noun follows it.
//   - Weekdays alone ("martedì", "Tuesday") are DATE with an empty ISO: they
//     are dates, but cannot be normalised without a reference date. So are a
//     day and month without a year ("17 dicembre") and a month alone after a
//     preposition ("a dicembre", "in May"). Relative words (oggi, yesterday,
//     "lo scorso mese") are not reported. FindIn resolves the first three
//     against the article's publication date (ISO set, Approximate).
//   - "new Taiwan dollars", "nuovi dollari taiwanesi" are TWD. A bare scaled
//     number ("ha raccolto 122 milioni") stays QUANTITY; FindIn makes it
//     MONEY only when its own sentence names one currency for another amount.
//   - Numeric dates: yyyy-mm-dd; dd/mm/yyyy for Italian and other languages,
//     mm/dd/yyyy for English, each falling back to the other order when the
//     first reading is impossible; dd.mm.yyyy and dd-mm-yyyy always day first.
//   - Italian "trilioni" is taken as 1e12 (the calque of "trillion" that tech
//     news uses), "bilioni" as 1e12.
package amount

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/language"
)

// ErrNotNumber is returned by ParseNumber when the text is not a number in
// the digits-and-separators form this package reads.
var ErrNotNumber = errors.New("amount: not a number")

// Qualifiers reported in Amount.Qualifier.
const (
	Over    = "over"
	Under   = "under"
	About   = "about"
	UpTo    = "up_to"
	AtLeast = "at_least"
)

// Amount is one money, percent, quantity or date expression.
type Amount struct {
	// Kind is news.Money, news.Percent, news.Quantity or news.Date.
	Kind string
	// Start and End are byte offsets [Start, End) into the text given to Find.
	// The span covers number, scale and currency or unit, not the qualifier.
	Start, End int
	// Text is text[Start:End].
	Text string
	// Value is the normalised number (1e10 for "10 miliardi"); 0 for dates.
	Value float64
	// Currency is an ISO 4217 code for MONEY.
	Currency string
	// Unit is the QUANTITY unit as written ("chip", "users", "GB").
	Unit string
	// Qualifier is Over, Under, About, UpTo, AtLeast or "".
	Qualifier string
	// Approximate marks vague amounts ("decine di milioni"); Value is then
	// the lower bound.
	Approximate bool
	// ISO is a DATE as "2025-12-17", "2025-12" or "2025"; empty when the
	// date cannot be normalised ("martedì", "17 dicembre") without a
	// reference date (FindIn resolves those against the publication date
	// and sets Approximate).
	ISO string

	part datePart // what a date without a year says, for FindIn
}

// datePart is a date without a year: month (1–12) and day, or a weekday
// alone (1 = Sunday … 7 = Saturday); zero when absent.
type datePart struct {
	month, day, weekday int
}

// Find returns the amounts and dates in text, sorted by Start and not
// overlapping. lang is "it" or "en"; any other value reads numbers by their
// shape (see ParseNumber).
//
// Texts of 2 GiB or more are not read (offsets are kept in 32 bits), and
// at most MaxFind amounts are returned (the first ones), so a hostile text
// cannot turn into an unbounded list.
func Find(text, lang string) []Amount {
	if len(text) >= math.MaxInt32 {
		return nil
	}
	bp := tokPool.Get().(*[]tok)
	m := matcher{text: text, lang: lang}
	m.toks = tokenize(text, (*bp)[:0])
	out := m.run(nil)
	if cap(m.toks) <= 1<<16 {
		*bp = m.toks
		tokPool.Put(bp)
	}
	return out
}

// MaxFind is the most amounts Find returns for one text. A real article has
// a few dozen; 1 MiB of "$1 " has 349k, which downstream would become as many
// mentions (issue #13).
const MaxFind = 4096

// tokPool keeps token slices between calls: Find is called once per article
// by every entities worker.
var tokPool = sync.Pool{New: func() any { s := make([]tok, 0, 1024); return &s }}

// Normalise reads one expression given as a span, for instance a span an LLM
// pointed at. It reports false unless the span holds exactly one expression.
// Unlike Find it accepts a bare number ("27" is a QUANTITY of 27) since the
// caller has already decided the span is an amount. Offsets are into span.
func Normalise(span, lang string) (Amount, bool) {
	m := matcher{text: span, lang: lang, loose: true}
	if len(span) >= math.MaxInt32 {
		return Amount{}, false
	}
	var buf [16]tok
	m.toks = tokenize(span, buf[:0])
	var out [2]Amount
	as := m.run(out[:0])
	if len(as) != 1 {
		return Amount{}, false
	}
	return as[0], true
}

// ParseNumber reads a number written with digits, an optional sign and
// thousands and decimal separators. For "it" the comma is the decimal mark
// ("1,5") and the point groups thousands ("1.400"); for "en" the other way
// round. A lone separator of the "wrong" kind that does not group three digits
// is read as a decimal mark ("2.5" in Italian is 2.5). For other languages the
// shape decides: both marks present, the last one is decimal; one mark that
// groups threes is thousands. It returns ErrNotNumber otherwise.
func ParseNumber(s, lang string) (float64, error) {
	t := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	case strings.HasPrefix(t, "-"):
		t, neg = t[1:], true
	case strings.HasPrefix(t, "−"):
		t, neg = t[len("−"):], true
	}
	v, ok := parseDigits(t, lang)
	if !ok {
		return 0, fmt.Errorf("parsing number %q: %w", s, ErrNotNumber)
	}
	if neg {
		v = -v
	}
	return v, nil
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDigits reads digits with '.' and ',' separators without allocating.
func parseDigits(s, lang string) (float64, bool) {
	if len(s) == 0 || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return 0, false
	}
	nDot, nComma, last := 0, 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' || c == ',':
			if !isDigit(s[i-1]) {
				return 0, false
			}
			if c == '.' {
				nDot++
			} else {
				nComma++
			}
			last = i
		default:
			return 0, false
		}
	}
	var dec byte // decimal mark; 0 when the number is an integer
	switch {
	case nDot == 0 && nComma == 0:
	case nDot > 0 && nComma > 0:
		dec = s[last]
		if (dec == '.' && nDot > 1) || (dec == ',' && nComma > 1) {
			return 0, false
		}
		if !groupsOfThree(s[:last], otherMark(dec)) {
			return 0, false
		}
	default:
		sep, n := byte('.'), nDot
		if nComma > 0 {
			sep, n = ',', nComma
		}
		var langDec byte
		if l, ok := language.Get(lang); ok {
			langDec = '.'
			if l.DecimalComma {
				langDec = ','
			}
		}
		switch {
		case sep == langDec:
			if n > 1 {
				return 0, false
			}
			dec = sep
		case groupsOfThree(s, sep):
		case n == 1:
			dec = sep
		default:
			return 0, false
		}
	}
	var mant uint64
	digits, frac := 0, 0
	seenDec := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == dec {
			seenDec = true
			continue
		}
		if !isDigit(c) {
			continue
		}
		if mant == 0 && c == '0' && !seenDec {
			continue
		}
		mant = mant*10 + uint64(c-'0')
		digits++
		if seenDec {
			frac++
		}
		if digits > 15 {
			return slowParse(s, dec)
		}
	}
	if frac >= len(pow10) {
		return slowParse(s, dec)
	}
	return float64(mant) / pow10[frac], true
}

func slowParse(s string, dec byte) (float64, bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == dec:
			b = append(b, '.')
		case isDigit(c):
			b = append(b, c)
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	return v, err == nil
}

func otherMark(c byte) byte {
	if c == '.' {
		return ','
	}
	return '.'
}

// groupsOfThree reports whether s is digits grouped in threes by sep, with a
// first group of one to three digits ("1.400.000").
func groupsOfThree(s string, sep byte) bool {
	run, first := 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == sep:
			if (first && (run < 1 || run > 3)) || (!first && run != 3) {
				return false
			}
			run, first = 0, false
		case isDigit(c):
			run++
		default:
			return false
		}
	}
	return !first && run == 3
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// token kinds
type kind uint8

const (
	tWord kind = iota
	tNum
	tNumDate
	tSym
)

// tok is one word, number or sign of the text.
//
// It holds no pointers and int32 offsets, so a slice of them is small and the
// garbage collector never scans it.
type tok struct {
	s, e  int32
	ne    int32 // numbers: end of the digits, start of a glued suffix
	r     rune
	li    int16 // words: lexeme index plus one, 0 when the word is unknown
	k     kind
	sp    bool // whitespace before
	nl    bool // line break before: expressions never cross lines
	ident bool // number glued to an identifier (COVID-19, H100)
	upper bool // word starts with a capital
}

func tokenize(text string, toks []tok) []tok {
	sp, nl := false, false
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			sp = true
			i++
			continue
		case c == '\n' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			sp, nl = true, true
			i += size
			continue
		case c >= utf8.RuneSelf && unicode.IsSpace(r):
			sp = true
			i += size
			continue
		}
		t := tok{s: int32(i), sp: sp, nl: nl}
		sp, nl = false, false
		switch {
		case isDigit(c):
			t.k = tNum
			t.ident = identBefore(text, i)
			if e := numDateEnd(text, i); e > 0 {
				t.k, t.e, t.ne = tNumDate, int32(e), int32(e)
				break
			}
			j := i + 1
			for j < len(text) {
				if isDigit(text[j]) {
					j++
					continue
				}
				if (text[j] == '.' || text[j] == ',') && j+1 < len(text) && isDigit(text[j+1]) {
					j += 2
					continue
				}
				break
			}
			t.ne = int32(j)
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += n
			}
			if j < len(text) && isDigit(text[j]) && j > int(t.ne) {
				// "4o1", "3x4": digits, letters, digits is a code
				t.ident = true
				for j < len(text) {
					r, n := utf8.DecodeRuneInString(text[j:])
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
						break
					}
					j += n
				}
			}
			t.e = int32(j)
		case (c < utf8.RuneSelf && asciiWord[c]) || (c >= utf8.RuneSelf && unicode.IsLetter(r)):
			t.k = tWord
			t.upper = unicode.IsUpper(r)
			j := i + size
			for j < len(text) {
				if c := text[j]; c < utf8.RuneSelf {
					if asciiWord[c] {
						j++
						continue
					}
					break
				}
				r, n := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
					break
				}
				j += n
			}
			t.e = int32(j)
			if j-i <= maxLexLen {
				if l := lookup(text[i:j]); l != nil {
					t.li = l.idx
				}
			}
		default:
			t.k = tSym
			t.r = r
			t.e = int32(i + size)
		}
		toks = append(toks, t)
		i = int(t.e)
	}
	return toks
}

// asciiWord marks the ASCII letters and digits; words start with a letter
// (digits were taken by the number case before).
var asciiWord = func() (a [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		a[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		a[c], a[c-'a'+'A'] = true, true
	}
	return a
}()

// lookup lower-cases w into a stack buffer and finds it in the lexicon
// without allocating.
func lookup(w string) *lexeme {
	var buf [48]byte
	b := buf[:0]
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if len(b) == cap(b) {
				return nil
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(w[i:])
		if len(b)+utf8.UTFMax > cap(b) {
			return nil
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
		i += n
	}
	return lexicon[string(b)]
}

// identBefore reports whether the digits at i belong to an identifier: a
// letter right before them, or a letter then '-', '_' or '/' (COVID-19, GPT-4).
func identBefore(text string, i int) bool {
	if i == 0 {
		return false
	}
	r, n := utf8.DecodeLastRuneInString(text[:i])
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return true
	}
	if r == '-' || r == '_' || r == '/' || r == '.' || r == '‑' {
		r2, _ := utf8.DecodeLastRuneInString(text[:i-n])
		return unicode.IsLetter(r2)
	}
	return false
}

// numDateEnd returns the end of a numeric date starting at i (2025-12-17,
// 17/12/2025, 17.12.2025, 17-12-2025, 17/12/25), or -1.
func numDateEnd(text string, i int) int {
	d := func(j int) int { // length of the digit run at j
		n := 0
		for j+n < len(text) && isDigit(text[j+n]) {
			n++
		}
		return n
	}
	a := d(i)
	j := i + a
	if j >= len(text) {
		return -1
	}
	sep := text[j]
	if sep != '-' && sep != '/' && sep != '.' {
		return -1
	}
	b := d(j + 1)
	k := j + 1 + b
	if k >= len(text) || text[k] != sep {
		return -1
	}
	c := d(k + 1)
	end := k + 1 + c
	switch {
	case a == 4 && sep == '-' && b == 2 && c == 2:
	case a >= 1 && a <= 2 && b >= 1 && b <= 2 && (c == 4 || (c == 2 && sep == '/')):
	default:
		return -1
	}
	if end < len(text) {
		r, _ := utf8.DecodeRuneInString(text[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return -1
		}
	}
	return end
}
