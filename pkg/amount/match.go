package amount

import (
	"strconv"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// matcher reads the token stream of one text.
type matcher struct {
	lastPart datePart // the day and month of the last date read without a year
	text     string
	toks     []tok
	lang     string
	loose    bool // Normalise: a bare number is a QUANTITY
}

func (m *matcher) run(out []Amount) []Amount {
	for i := 0; i < len(m.toks) && len(out) < MaxFind; {
		if !m.canStart(i) {
			i++
			continue
		}
		if a, next, ok := m.date(i); ok {
			out = append(out, a)
			i = next
			continue
		}
		if a, next, ok := m.amount(i); ok {
			out = append(out, a)
			i = next
			continue
		}
		i++
	}
	return out
}

// canStart is a cheap test that token i may begin a date or an amount.
func (m *matcher) canStart(i int) bool {
	t := &m.toks[i]
	switch t.k {
	case tNum, tNumDate:
		return true
	case tSym:
		_, ok := currencySymbols[t.r]
		return ok || t.r == '+' || t.r == '-' || t.r == '−'
	}
	if l := t.lex(); l != nil && (l.weekday || l.month > 0 || l.num > 0 || l.vague > 0) {
		return true
	}
	return t.upper && t.e-t.s <= 3 // US$, EUR
}

// lex returns the lexeme of a word token, or nil.
func (t *tok) lex() *lexeme {
	if t.li == 0 {
		return nil
	}
	return lexemes[t.li-1]
}

// on reports whether token j exists and continues the line of token j-1.
func (m *matcher) on(j int) bool { return j < len(m.toks) && !m.toks[j].nl }

// lex returns the lexeme of word j on the same line, or nil.
func (m *matcher) lex(j int) *lexeme {
	if !m.on(j) || m.toks[j].k != tWord {
		return nil
	}
	return m.toks[j].lex()
}

func (m *matcher) sym(j int, r rune) bool {
	return m.on(j) && m.toks[j].k == tSym && m.toks[j].r == r
}

// glued reports whether token j follows j-1 with no space.
func (m *matcher) glued(j int) bool { return m.on(j) && !m.toks[j].sp }

func (m *matcher) word(j int) string { return m.text[m.toks[j].s:m.toks[j].e] }

func (m *matcher) span(kind string, i, j int) Amount {
	s, e := int(m.toks[i].s), int(m.toks[j-1].e)
	return Amount{Kind: kind, Start: s, End: e, Text: m.text[s:e]}
}

// amount reads MONEY, PERCENT or QUANTITY starting at token i and returns it
// with the index of the token after it.
func (m *matcher) amount(i int) (Amount, int, bool) {
	toks := m.toks
	j := i
	cur, j2 := m.curPrefix(i)
	if cur != "" {
		j = j2
		if !m.on(j) {
			return Amount{}, 0, false
		}
	}
	neg := false
	if t := toks[j]; cur == "" && t.k == tSym && (t.r == '+' || t.r == '-' || t.r == '−') &&
		j+1 < len(toks) && toks[j+1].k == tNum && m.glued(j+1) &&
		(j == 0 || t.sp || t.nl || toks[j-1].k == tSym && toks[j-1].r == '(') {
		neg = t.r != '+'
		j++
	}
	var v float64
	scaled, approx, numWord := false, false, false
	t := toks[j]
	switch {
	case t.k == tNum:
		if t.ident {
			return Amount{}, 0, false
		}
		x, ok := parseDigits(m.text[t.s:t.ne], m.lang)
		if !ok {
			return Amount{}, 0, false
		}
		v = x
		j++
		if t.ne < t.e {
			suf := m.text[t.ne:t.e]
			l := lookup(suf)
			switch {
			case l != nil && l.scale > 0 && l.gluable && (!l.curOnly || cur != ""):
				v *= l.scale
				scaled = true
			case l != nil && l.mUnit && cur == "":
				a := m.span(news.Quantity, i, j)
				a.Value, a.Unit, a.Qualifier = sign(v, neg), suf, m.qualifier(i)
				return a, j, true
			default:
				return Amount{}, 0, false
			}
		}
	case t.k == tWord && t.lex() != nil && t.lex().num > 0:
		l := m.lex(j + 1)
		if l == nil || l.scale == 0 || l.curOnly ||
			(t.lex().num <= 1 && l.itPl) || (t.lex().num > 1 && l.itSing) {
			return Amount{}, 0, false
		}
		v, numWord = t.lex().num, true
		j++
	case t.k == tWord && t.lex() != nil && t.lex().vague > 0 && cur == "" && !t.nl:
		v, approx = t.lex().vague, true
		j++
		// decine di milioni, centinaia di migliaia, tens of millions
		for {
			o, l := m.lex(j), m.lex(j+1)
			if o == nil || !o.of || l == nil || l.vague < 1000 {
				break
			}
			v *= l.vague
			j += 2
		}
		if o := m.lex(j); o == nil || !o.of {
			return Amount{}, 0, false
		}
	default:
		return Amount{}, 0, false
	}
	if !scaled && !approx {
		if l := m.lex(j); l != nil && l.scale > 0 && (!l.curOnly || cur != "") &&
			!(numWord && l.itPl && v <= 1) {
			v *= l.scale
			scaled = true
			j++
		} else if numWord {
			return Amount{}, 0, false
		}
	}
	if cur == "" && !approx {
		if e, unit, ok := m.percent(j); ok {
			a := m.span(news.Percent, i, e)
			a.Value, a.Unit, a.Qualifier = sign(v, neg), unit, m.qualifier(i)
			return a, e, true
		}
	}
	if cur == "" {
		k := j
		if l := m.lex(k); (scaled || approx) && l != nil && l.of {
			k++
		}
		if c, e := m.curSuffix(k); c != "" {
			cur, j = c, e
		}
	} else if c, e := m.curSuffix(j); c == cur {
		j = e // "$38 billion dollars"
	}
	if m.sym(j, '-') && m.glued(j) && m.glued(j+1) && toks[j+1].k == tWord {
		return Amount{}, 0, false // "a billion-year contract", "$5-a-month"
	}
	if cur != "" {
		a := m.span(news.Money, i, j)
		a.Value, a.Currency, a.Approximate, a.Qualifier = sign(v, neg), cur, approx, m.qualifier(i)
		return a, j, true
	}
	// QUANTITY
	unit, unitKnown := "", false
	k := j
	if l := m.lex(k); (scaled || approx) && l != nil && l.of {
		k++
	}
	if m.unitWord(k) {
		unit, unitKnown = m.word(k), toks[k].lex() != nil && toks[k].lex().unit
		// "28,000 Andy Warhol photographs": a capitalised word after a plain
		// number is a name; after a scale it is a unit ("milioni di Cpu").
		if !unitKnown && toks[k].upper && !scaled && !approx && !numWord {
			unit = ""
		}
	}
	q := m.qualifier(i)
	plain := !scaled && !approx && !numWord
	emit := false
	switch {
	case m.loose, scaled, unitKnown:
		emit = true
	case approx:
		emit = unit != ""
	case v >= 1000:
		emit = !(plain && m.modelNumber(i, j))
	case q != "":
		emit = unit != ""
	}
	if !emit {
		return Amount{}, 0, false
	}
	if unit != "" {
		j = k + 1
	}
	a := m.span(news.Quantity, i, j)
	a.Value, a.Unit, a.Approximate, a.Qualifier = sign(v, neg), unit, approx, q
	return a, j, true
}

func sign(v float64, neg bool) float64 {
	if neg {
		return -v
	}
	return v
}

// modelNumber reports a plain number glued to a capitalised name before it
// ("RTX 5090", "Windows 2000"): a product, not a quantity.
func (m *matcher) modelNumber(i, j int) bool {
	t := m.toks[i]
	if i == 0 || t.nl || t.ne-t.s > 4 || t.ne != t.e {
		return false
	}
	for p := t.s; p < t.ne; p++ {
		if !isDigit(m.text[p]) {
			return false
		}
	}
	prev := m.toks[i-1]
	return prev.k == tWord && prev.upper && (prev.lex() == nil || !prev.lex().stop)
}

// unitWord reports whether token k can name what a quantity counts.
func (m *matcher) unitWord(k int) bool {
	if !m.on(k) || m.toks[k].k != tWord {
		return false
	}
	l := m.toks[k].lex()
	if l == nil {
		return true
	}
	if l.unit {
		return true
	}
	crown := l.key == "corona" || l.key == "corone" // a currency only with a nationality
	return !l.stop && l.month == 0 && !l.weekday && (l.cur == "" || crown) && l.scale == 0 &&
		l.vague == 0 && l.pct == 0 && l.num == 0 && l.preAdj == ""
}

// percent reads "%", "per cento", "percento", "percent", "per cent", "punti
// percentuali", "percentage points" at j.
func (m *matcher) percent(j int) (end int, unit string, ok bool) {
	if m.sym(j, '%') {
		return j + 1, "", true
	}
	l := m.lex(j)
	if l == nil {
		return 0, "", false
	}
	l2 := m.lex(j + 1)
	switch {
	case l.pct == 1:
		return j + 1, "", true
	case l.pct == 2 && l2 != nil && (l2.key == "cento" || l2.key == "cent"):
		return j + 2, "", true
	case (l.key == "punti" || l.key == "punto") && l2 != nil && (l2.key == "percentuali" || l2.key == "percentuale"):
		return j + 2, m.text[m.toks[j].s:m.toks[j+1].e], true
	case l.key == "percentage" && l2 != nil && (l2.key == "points" || l2.key == "point"):
		return j + 2, m.text[m.toks[j].s:m.toks[j+1].e], true
	}
	return 0, "", false
}

// curPrefix reads a currency written before the number: €, $, US$, EUR.
func (m *matcher) curPrefix(i int) (string, int) {
	t := m.toks[i]
	switch t.k {
	case tSym:
		if c, ok := currencySymbols[t.r]; ok && m.numberAt(i+1) {
			return c, i + 1
		}
	case tWord:
		w := m.word(i)
		if c, ok := dollarPrefixes[w]; ok && m.sym(i+1, '$') && m.glued(i+1) && m.numberAt(i+2) {
			return c, i + 2
		}
		if currencyCodes[w] && m.numberAt(i+1) {
			return w, i + 1
		}
	}
	return "", i
}

// numberAt reports whether a number (or a number word) follows on the line.
func (m *matcher) numberAt(j int) bool {
	if !m.on(j) {
		return false
	}
	t := m.toks[j]
	return (t.k == tNum && !t.ident) || (t.k == tWord && t.lex() != nil && t.lex().num > 0)
}

// curSuffix reads a currency written after the number: €, euro, dollari,
// franchi svizzeri, Canadian dollars, USD, new Taiwan dollars.
func (m *matcher) curSuffix(j int) (string, int) {
	if !m.on(j) {
		return "", j
	}
	t := m.toks[j]
	switch t.k {
	case tSym:
		if c, ok := currencySymbols[t.r]; ok {
			return c, j + 1
		}
	case tWord:
		w := m.word(j)
		if currencyCodes[w] {
			return w, j + 1
		}
		l := t.lex()
		if c, e, ok := m.newDollar(j); ok {
			return c, e
		}
		if l == nil {
			return "", j
		}
		if l.preAdj != "" && (l.key != "us" || w == "US") {
			if n := m.lex(j + 1); n != nil && n.cur != "" {
				c := n.cur
				if c == "USD" || l.preAdj == "CHF" {
					c = l.preAdj
				}
				return c, j + 2
			}
		}
		if l.cur != "" {
			c := l.cur
			if n := m.lex(j + 1); n != nil && n.postAd != "" {
				switch {
				case c == "USD", c == "CHF" && n.postAd == "CHF":
					c = n.postAd
				case c == "SEK" && (n.postAd == "SEK" || n.postAd == "NOK" || n.postAd == "DKK" || n.postAd == "CZK"):
					c = n.postAd
				}
				return c, j + 2
			}
			if c == "SEK" && (l.key == "corona" || l.key == "corone") {
				return "", j // a crown, unless a nationality says which one
			}
			if m.on(j+1) && m.word(j+1) == "USA" && c == "USD" {
				return c, j + 2
			}
			return c, j + 1
		}
	}
	return "", j
}

// qualifier reads "oltre", "più di", "fino al", "at least"... right before
// token i, skipping an article ("oltre il 27%", "fino all'80%").
func (m *matcher) qualifier(i int) string {
	if i == 0 || m.toks[i].nl {
		return ""
	}
	j := i - 1
	if t := m.toks[j]; t.k == tSym && (t.r == '\'' || t.r == '’') && !t.sp && j > 0 && !t.nl {
		j--
	}
	if q := m.phraseEndingAt(j); q != "" {
		return q
	}
	if l := m.toks[j].lex(); l != nil && l.art && j > 0 && !m.toks[j].nl {
		return m.phraseEndingAt(j - 1)
	}
	return ""
}

func (m *matcher) phraseEndingAt(j int) string {
	for _, p := range qualPhrases {
		n := len(p.words)
		if j-n+1 < 0 {
			continue
		}
		ok := true
		for k := 0; k < n && ok; k++ {
			t := m.toks[j-n+1+k]
			ok = t.k == tWord && t.lex() != nil && t.lex().key == p.words[k] && (k == 0 || !t.nl)
		}
		if ok && !m.toks[j+1].nl {
			return p.q
		}
	}
	return ""
}

// date reads a DATE starting at token i.
func (m *matcher) date(i int) (Amount, int, bool) {
	t := m.toks[i]
	if t.k == tNumDate {
		iso, ok := numericDate(m.text[t.s:t.e], m.lang)
		if !ok {
			return Amount{}, 0, false
		}
		a := m.span(news.Date, i, i+1)
		a.ISO = iso
		return a, i + 1, true
	}
	j := i
	wd := false
	var part datePart
	if l := t.lex(); t.k == tWord && l != nil && l.weekday && (!l.en || t.upper) {
		wd = true
		part.weekday = l.weekdayN
		j++
		if m.sym(j, ',') {
			j++
		}
	}
	if iso, e, ok := m.dayMonthYear(j); ok {
		a := m.span(news.Date, i, e)
		a.ISO = iso
		if iso == "" {
			a.part = m.lastPart
		}
		return a, e, true
	}
	if iso, e, ok := m.monthDayYear(j); ok {
		a := m.span(news.Date, i, e)
		a.ISO = iso
		if iso == "" {
			a.part = m.lastPart
		}
		return a, e, true
	}
	if wd {
		a := m.span(news.Date, i, i+1)
		a.part = part
		return a, i + 1, true
	}
	lo := 1900
	if m.yearPrepBefore(i) {
		lo = 1000
	}
	if y, ok := m.year(i, lo, 2100); ok && !m.amountFollows(i+1) && !m.modelNumber(i, i+1) {
		a := m.span(news.Date, i, i+1)
		a.ISO = strconv.Itoa(y)
		return a, i + 1, true
	}
	// a month alone after a preposition: "a dicembre", "in May"
	if l := t.lex(); t.k == tWord && l != nil && l.month > 0 && !l.abbr && (!l.en || t.upper) &&
		i > 0 && !t.nl {
		if p := m.toks[i-1].lex(); p != nil && p.monthPrep && m.toks[i-1].k == tWord {
			a := m.span(news.Date, i, i+1)
			a.part = datePart{month: l.month}
			return a, i + 1, true
		}
	}
	return Amount{}, 0, false
}

// yearPrepBefore reports "nel", "dall’", "since" right before token i.
func (m *matcher) yearPrepBefore(i int) bool {
	if i == 0 || m.toks[i].nl {
		return false
	}
	j := i - 1
	if t := m.toks[j]; t.k == tSym && (t.r == '\'' || t.r == '’') && j > 0 && !t.nl {
		j--
	}
	l := m.toks[j].lex()
	return m.toks[j].k == tWord && l != nil && l.yearPrep
}

// amountFollows reports whether token j makes the number before it an amount
// rather than a year: a scale, a percent, a currency or a unit noun.
func (m *matcher) amountFollows(j int) bool {
	if !m.on(j) {
		return false
	}
	t := m.toks[j]
	if t.k == tSym {
		_, isCur := currencySymbols[t.r]
		return isCur || t.r == '%'
	}
	if t.k != tWord {
		return false
	}
	if currencyCodes[m.word(j)] {
		return true
	}
	l := t.lex()
	return l != nil && (l.scale > 0 || l.cur != "" || l.unit || l.pct == 1 ||
		(l.pct == 2 && m.lex(j+1) != nil && (m.lex(j+1).key == "cento" || m.lex(j+1).key == "cent")))
}

// year reads a plain four-digit number in [lo, hi] at token j.
func (m *matcher) year(j, lo, hi int) (int, bool) {
	if j >= len(m.toks) {
		return 0, false
	}
	t := m.toks[j]
	if t.k != tNum || t.ident || t.ne != t.e || t.e-t.s != 4 {
		return 0, false
	}
	y := 0
	for p := t.s; p < t.e; p++ {
		c := m.text[p]
		if !isDigit(c) {
			return 0, false
		}
		y = y*10 + int(c-'0')
	}
	return y, y >= lo && y <= hi
}

// day reads a day of the month at token j: "17", "1°", "1º", "21st".
func (m *matcher) day(j int) (int, int, bool) {
	if !m.on(j) {
		return 0, 0, false
	}
	t := m.toks[j]
	if t.k != tNum || t.ident || t.ne-t.s > 2 {
		return 0, 0, false
	}
	d := 0
	for p := t.s; p < t.ne; p++ {
		if !isDigit(m.text[p]) {
			return 0, 0, false
		}
		d = d*10 + int(m.text[p]-'0')
	}
	if d < 1 || d > 31 {
		return 0, 0, false
	}
	if t.ne < t.e {
		switch m.text[t.ne:t.e] {
		case "st", "nd", "rd", "th", "º", "ª", "o":
		default:
			return 0, 0, false
		}
	}
	j++
	if (m.sym(j, '°') || m.sym(j, 'º')) && m.glued(j) {
		j++
	}
	return d, j, true
}

// month reads a month name at token j, with the point of an abbreviation.
func (m *matcher) month(j int, needCap bool) (int, bool, int, bool) {
	l := m.lex(j)
	if l == nil || l.month == 0 {
		return 0, false, 0, false
	}
	if l.en && needCap && !m.toks[j].upper {
		return 0, false, 0, false
	}
	e := j + 1
	if l.abbr && m.sym(e, '.') && m.glued(e) {
		e++
	}
	return l.month, l.en, e, true
}

// optYear reads ", 2025" or " 2025" after a day and month.
func (m *matcher) optYear(j int) (int, int) {
	k := j
	if m.sym(k, ',') {
		k++
	}
	if !m.on(k) {
		return 0, j
	}
	if y, ok := m.year(k, 1000, 2999); ok && !m.amountFollows(k+1) {
		return y, k + 1
	}
	return 0, j
}

// dayMonthYear reads "17 dicembre 2025", "1° gennaio", "17th of December 2025".
func (m *matcher) dayMonthYear(j int) (string, int, bool) {
	d, k, ok := m.day(j)
	if !ok {
		return "", 0, false
	}
	if l := m.lex(k); l != nil && l.of && m.lex(k+1) != nil && m.lex(k+1).month > 0 {
		k++
	}
	mo, _, k, ok := m.month(k, false)
	if !ok {
		return "", 0, false
	}
	y, e := m.optYear(k)
	if d > daysIn(mo, y) {
		return "", 0, false
	}
	if y == 0 {
		m.lastPart = datePart{month: mo, day: d}
		return "", e, true
	}
	return isoDate(y, mo, d), e, true
}

// monthDayYear reads "December 17, 2025", "Dec. 17", "July 21st, 2017",
// and also month and year: "dicembre 2025", "December 2025".
func (m *matcher) monthDayYear(j int) (string, int, bool) {
	mo, en, k, ok := m.month(j, true)
	if !ok {
		return "", 0, false
	}
	if y, ok := m.year(k, 1000, 2999); ok && m.on(k) && !m.amountFollows(k+1) {
		return isoMonth(y, mo), k + 1, true
	}
	if !en && !m.lex(j).abbr {
		return "", 0, false
	}
	d, k2, ok := m.day(k)
	if !ok || m.amountFollows(k2) {
		return "", 0, false
	}
	y, e := m.optYear(k2)
	if d > daysIn(mo, y) {
		return "", 0, false
	}
	if y == 0 {
		m.lastPart = datePart{month: mo, day: d}
		return "", e, true
	}
	return isoDate(y, mo, d), e, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year == 0 || (year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isoDate(y, mo, d int) string {
	b := make([]byte, 0, 10)
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, mo, 2)
	b = append(b, '-')
	b = appendPad(b, d, 2)
	return string(b)
}

func isoMonth(y, mo int) string {
	b := make([]byte, 0, 7)
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, mo, 2)
	return string(b)
}

func appendPad(b []byte, v, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:width]...)
}

// numericDate normalises 2025-12-17, 17/12/2025 (it), 12/17/2025 (en),
// 17.12.2025 and 17-12-2025.
func numericDate(s, lang string) (string, bool) {
	var f [3]int
	var sep byte
	n, k := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			f[k] = f[k]*10 + int(c-'0')
			n++
			continue
		}
		sep = c
		if k == 2 {
			return "", false
		}
		k++
	}
	if k != 2 {
		return "", false
	}
	var y, mo, d int
	if len(s) == 10 && s[4] == '-' {
		y, mo, d = f[0], f[1], f[2]
	} else {
		y = f[2]
		if len(s)-indexLast(s, sep)-1 == 2 {
			y += 2000
			if y > 2069 {
				y -= 100
			}
		}
		d, mo = f[0], f[1]
		if l, ok := language.Get(lang); sep == '/' && ok && l.MonthFirst {
			d, mo = mo, d
		}
		if mo > 12 || mo < 1 || d < 1 || d > daysIn(mo, y) {
			d, mo = mo, d
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) {
		return "", false
	}
	return isoDate(y, mo, d), true
}

func indexLast(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// newDollar reads the New Taiwan dollar written with "new": "new Taiwan
// dollars", "nuovi dollari taiwanesi" (issue #14: "452.3 billion new Taiwan
// dollars" is TWD money, not a quantity of "new").
func (m *matcher) newDollar(j int) (string, int, bool) {
	w := strings.ToLower(m.word(j))
	if w != "new" && w != "nuovi" && w != "nuovo" {
		return "", j, false
	}
	a, b := m.lex(j+1), m.lex(j+2)
	if a == nil || b == nil || !m.on(j+1) || !m.on(j+2) {
		return "", j, false
	}
	switch {
	case a.preAdj == "TWD" && b.cur == "USD":
		return "TWD", j + 3, true
	case a.cur == "USD" && b.postAd == "TWD":
		return "TWD", j + 3, true
	}
	return "", j, false
}
