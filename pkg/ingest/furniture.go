package ingest

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A news page carries furniture around its story: bylines, datelines, wire
// and photo credits, captions, "Read more" and related-article lines,
// crossheads, newsletter and cookie notices. None of it is news, and every
// later stage would take it for news: a dateline becomes the headline, a
// caption a key point, a byline a PERSON. Normalise therefore removes it
// from the body before any stage sees it, so the stored body is the story's
// prose and entity offsets into it stay plain byte offsets. What informs a
// reader is kept as metadata: the byline's name (Article.Author), the
// dateline's place and date (Article.Dateline) and a wire agency named in
// it (Article.Source when the submission gave none).
//
// Every test below is deliberately narrow: a paragraph is removed only when
// it is short and its opening words or marks say what it is, because
// removing a sentence of the story is worse than leaving a credit in.

// furniture is what the scan learnt from what it removed.
type furniture struct {
	author, dateline, agency string
}

// Limits on what can be furniture, in words.
const (
	maxLineWords      = 60 // no furniture line is longer
	maxFurnitureWords = 40 // credits, captions, related and promo lines
	maxBylineWords    = 14
	maxCrossheadWords = 12
	maxCrossheadRunes = 90
)

// dropFurniture removes the paragraphs that are furniture as a whole, and
// the related-link prefixes and trailing wire credits inside paragraphs.
func dropFurniture(paras []string, f *furniture) []string {
	out := paras[:0]
	for i, p := range paras {
		if n := wordCount(p); n > maxLineWords || n > 25 && strings.Count(p, ". ") >= 2 {
			// Prose (long, or several sentences): only a glued related
			// link or a closing credit, or a long caption with its credit.
			if n <= maxLineWords && closedByCredit(p) {
				continue
			}
			out = append(out, cutTrailingCredit(cutRelatedPrefix(p)))
			continue
		}
		if !mayBeFurniture(p) {
			out = append(out, cutTrailingCredit(cutRelatedPrefix(p)))
			continue
		}
		l := newLine(p)
		if len(out) > 0 && isPhotoCredit(l) && isShortCaption(out[len(out)-1]) {
			// A photo credit follows its caption: "Cloudflare's banner
			// outside the New York Stock Exchange." / "Credit: …".
			out = out[:len(out)-1]
		}
		if name, ok := bylineOf(p); ok {
			if f.author == "" {
				f.author = name
			}
			continue
		}
		if d, ok := datelineAt(p); ok && d.end == len(p) {
			f.noteDateline(d)
			continue
		}
		if isCreditLine(l) || isCaptionLine(l) || (i > 0 && isRelatedLine(l)) || isPromoLine(l) || isDateOnly(p) {
			continue
		}
		p = cutRelatedPrefix(p)
		p = cutTrailingCredit(p)
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cutLead removes a byline and a dateline from the start of the first
// paragraphs ("By Toby Sterling AMSTERDAM (Reuters) -The Dutch …",
// "Mountain View, 18 novembre 2025 – Google ha …").
func cutLead(paras []string, f *furniture) []string {
	// A standfirst may stand above the dateline: look at the second
	// paragraph too when the first has none.
	if len(paras) > 1 && len(strings.Fields(paras[0])) <= maxFurnitureWords {
		if _, ok := cutLeadOnce(paras[0], &furniture{}); !ok {
			if rest, ok := cutLeadOnce(paras[1], f); ok && rest != "" {
				paras[1] = rest
				return paras
			}
		}
	}
	for len(paras) > 0 {
		p := paras[0]
		for range 4 { // "(ANSA) - ROMA, 17 DIC -" can take two passes
			rest, ok := cutLeadOnce(p, f)
			if !ok {
				break
			}
			p = rest
		}
		if p != "" {
			paras[0] = p
			return paras
		}
		paras = paras[1:]
	}
	return paras
}

func cutLeadOnce(p string, f *furniture) (string, bool) {
	if d, ok := datelineAt(p); ok {
		f.noteDateline(d)
		return strings.TrimSpace(p[d.end:]), true
	}
	// A byline glued to a dateline: "By Toby Sterling AMSTERDAM (Reuters) -".
	if name, at, ok := bylinePrefix(p); ok {
		if d, ok := datelineAt(p[at:]); ok {
			if f.author == "" {
				f.author = name
			}
			f.noteDateline(d)
			return strings.TrimSpace(p[at+d.end:]), true
		}
	}
	return p, false
}

func (f *furniture) noteDateline(d dateline) {
	if f.dateline == "" {
		f.dateline = d.text()
	}
	if f.agency == "" {
		f.agency = d.agency
	}
}

// dropCrossheads removes short heading lines between paragraphs of prose:
// a line of at most maxCrossheadWords words, not ending a sentence (a
// question is allowed), after a paragraph that ends one and before a
// paragraph of prose. Consecutive short lines are a list, not crossheads,
// and the first paragraph (the standfirst or lead) is never one. The
// decision is made on the paragraphs as given, so running it again on its
// output removes nothing more.
func dropCrossheads(paras []string) []string {
	drop := make([]bool, len(paras))
	any := false
	for i := 1; i+1 < len(paras); i++ {
		if isCrosshead(paras[i]) && endsSentence(paras[i-1]) && isProse(paras[i+1]) {
			drop[i], any = true, true
		}
	}
	if !any {
		return paras
	}
	out := paras[:0]
	for i, p := range paras {
		if !drop[i] {
			out = append(out, p)
		}
	}
	return out
}

func isCrosshead(p string) bool {
	if len(p) > 4*maxCrossheadRunes || utf8.RuneCountInString(p) > maxCrossheadRunes || wordCount(p) > maxCrossheadWords {
		return false
	}
	first, _ := utf8.DecodeRuneInString(p)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && first != '«' && first != '“' && first != '"' {
		return false
	}
	if unicode.IsDigit(first) {
		// "1. Item" or "2) Item": a list.
		for _, r := range p {
			if r == '.' || r == ')' {
				return false
			}
			if !unicode.IsDigit(r) {
				break
			}
		}
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	return !strings.ContainsRune(".!;,:…", last)
}

func endsSentence(p string) bool {
	last, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(".!?…»”\")", last)
}

func isProse(p string) bool {
	return wordCount(p) > maxCrossheadWords && endsSentence(p)
}

// line is a short paragraph under test: its text, lower case and words.
type line struct {
	p, lp string
	n     int
}

func newLine(p string) line { return line{p, strings.ToLower(p), wordCount(p)} }

// lowerWords splits p into words and its lower case.
func lowerWords(p string) (string, []string) {
	lp := strings.ToLower(p)
	return lp, strings.Fields(lp)
}

// hasLead reports whether lp starts with one of leads followed by a non-letter.
func hasLead(lp string, leads []string) bool {
	for _, l := range leads {
		if strings.HasPrefix(lp, l) {
			if len(l) > 0 && !isLetterByte(l[len(l)-1]) {
				return true
			}
			r, _ := utf8.DecodeRuneInString(lp[len(l):])
			if len(lp) == len(l) || !unicode.IsLetter(r) {
				return true
			}
		}
	}
	return false
}

func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || c >= utf8.RuneSelf }

func containsAny(lp string, marks []string) bool {
	for _, m := range marks {
		if strings.Contains(lp, m) {
			return true
		}
	}
	return false
}

// bylineOf reports a byline paragraph and the name it gives: "By Jane Doe",
// "di Mario Rossi e Anna Bianchi", "A cura di Redazione Tech", "By JANE
// DOE, Associated Press".
func bylineOf(p string) (string, bool) {
	if wordCount(p) > maxBylineWords {
		return "", false
	}
	name, at, ok := bylinePrefix(p)
	if !ok {
		return "", false
	}
	rest := strings.TrimSpace(p[at:])
	if rest == "" {
		return name, true
	}
	// What follows the name: a role, an agency or a date after a separator.
	switch rest[0] {
	case ',', '|', '-', '(', '/':
		if len(strings.Fields(rest)) <= 8 && !strings.HasSuffix(rest, ".") || strings.HasSuffix(rest, ")") {
			return name, true
		}
	}
	if strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "·") {
		return name, true
	}
	if isDateOnly(rest) {
		return name, true
	}
	return "", false
}

// bylinePrefix matches a byline lead and one to five capitalised name
// words (joiners allowed inside) at the start of p. It returns the name
// and the byte offset just after it.
func bylinePrefix(p string) (string, int, bool) {
	lp := p
	if len(lp) > 32 {
		lp = lp[:32] // the longest lead is shorter
	}
	lp = strings.ToLower(lp)
	lead := ""
	for _, l := range bylineLeads {
		if strings.HasPrefix(lp, l+" ") {
			lead = l
			break
		}
	}
	if lead == "" {
		return "", 0, false
	}
	i := len(lead) + 1
	start, end, names := i, i, 0
	for i < len(p) && names < 5 {
		w, next := wordAt(p, i)
		bare := strings.TrimRight(w, ",")
		if bare == "" {
			break
		}
		lw := strings.ToLower(bare)
		if isNameWord(bare) && !monthWords[strings.TrimRight(lw, ".")] && !weekdayWords[lw] {
			names++
			end = next - (len(w) - len(bare))
		} else if !nameJoiners[lw] || names == 0 {
			break
		}
		if bare != w {
			break // a comma ends the name
		}
		i = next
	}
	if names == 0 {
		return "", 0, false
	}
	name := strings.TrimSpace(p[start:end])
	// "di" and "da" are also ordinary prepositions: "Di Maio ha detto"
	// is a sentence. Ask for two name words and nothing after them but
	// furniture.
	if (lead == "di" || lead == "da") && names < 2 && !newsroomWords[strings.ToLower(name)] {
		return "", 0, false
	}
	return name, end, true
}

// wordAt returns the blank-delimited word at i (after any blanks) and the
// offset after it.
func wordAt(p string, i int) (string, int) {
	for i < len(p) && p[i] == ' ' {
		i++
	}
	j := i
	for j < len(p) && p[j] != ' ' {
		j++
	}
	return p[i:j], j
}

// isNameWord is a capitalised word of letters (with inner hyphens,
// apostrophes and dots, as in "O'Brien", "Jean-Luc", "J.R."), not all
// capitals unless short; all-caps words are left to the dateline.
func isNameWord(w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) {
		return false
	}
	letters, upper := 0, 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case r == '-' || r == '\'' || r == '’' || r == '.':
		default:
			return false
		}
	}
	return letters > 0 && (upper < letters || letters <= 2)
}

// dateline is a parsed dateline: place, date and agency, and where the
// story starts after it.
type dateline struct {
	place, date, agency string
	end                 int
}

func (d dateline) text() string {
	switch {
	case d.place != "" && d.date != "":
		return d.place + ", " + d.date
	case d.place != "":
		return d.place
	}
	return d.date
}

// datelineAt parses a dateline at the start of p:
//
//	[(AGENCY) sep] PLACE [, DATE] [(AGENCY)] sep
//
// where PLACE is one to four words in capitals ("SAN FRANCISCO", "ROMA")
// or, when a date or an agency follows, in title case ("Mountain View"),
// and sep is a dash or a colon. The story must go on with a capital, a
// digit or a quote. A paragraph that is a dateline alone (no sep) matches
// with end == len(p).
func datelineAt(p string) (dateline, bool) {
	var d dateline
	i := 0
	if ag, j, ok := agencyAt(p, i); ok {
		d.agency = ag
		i = j
		if k, ok := sepAt(p, i); ok {
			i = k
			if rest, ok := storyStarts(p, i); ok && !placeAhead(p, i) {
				d.end = rest
				return d, true
			}
		}
	}
	placeStart := i
	caps, title, j := placeAt(p, i)
	if caps+title == 0 {
		return d, false
	}
	d.place = strings.TrimRight(strings.TrimSpace(p[placeStart:j]), ",")
	i = j
	if k := skipBlanks(p, i); k < len(p) && p[k] == ',' {
		if date, e, ok := dateAt(p, k+1); ok {
			d.date = date
			i = e
		}
	}
	region := false
	if ag, e, ok := agencyAt(p, i); ok {
		if d.agency == "" {
			d.agency = ag
		}
		i = e
	} else if e, ok := regionAt(p, i); ok {
		// "Newark (New Jersey) - …": a region in brackets.
		d.place, i, region = strings.TrimSpace(p[placeStart:e]), e, true
	}
	strong := d.date != "" || d.agency != "" || region
	if title > 0 && !strong {
		return dateline{}, false
	}
	if caps > 0 && !strong && capsLetters(d.place) < 3 {
		return dateline{}, false
	}
	if k := skipBlanks(p, i); k == len(p) {
		if !strong && title > 0 {
			return dateline{}, false
		}
		d.end = len(p)
		return d, caps > 0 || strong
	}
	k, ok := sepAt(p, i)
	if !ok {
		return dateline{}, false
	}
	rest, ok := storyStarts(p, k)
	if !ok {
		return dateline{}, false
	}
	d.end = rest
	return d, true
}

// placeAhead reports whether a capitals place follows at i ("(ANSA) -
// ROMA, 17 DIC -"), which the caller parses as the dateline's place.
func placeAhead(p string, i int) bool {
	caps, _, j := placeAt(p, i)
	if caps == 0 {
		return false
	}
	k := skipBlanks(p, j)
	if k < len(p) && p[k] == ',' {
		return true
	}
	_, ok := sepAt(p, j)
	return ok
}

func capsLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// placeAt reads up to four place words at i: all in capitals (caps) or all
// in title case (title), joiners ("di", "de", "St.") allowed inside.
func placeAt(p string, i int) (caps, title, end int) {
	end = i
	for n := 0; n < 4; n++ {
		w, next := wordAt(p, i)
		bare := strings.TrimRight(w, ",")
		if bare == "" {
			break
		}
		lw := strings.ToLower(strings.TrimRight(bare, "."))
		switch {
		case isCapsWord(bare) && title == 0 && !monthWords[lw]:
			caps++
		case isNameWord(bare) && caps == 0 && !monthWords[lw] && !weekdayWords[lw]:
			title++
		case nameJoiners[bare] && n > 0:
		default:
			return caps, title, end
		}
		end = next - (len(w) - len(bare))
		if bare != w {
			break
		}
		i = next
	}
	return caps, title, end
}

// isCapsWord is a word of two or more capital letters (with '.', '-', '\”
// inside: "ST.", "L'AQUILA", "WINSTON-SALEM").
func isCapsWord(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		case r == '.' || r == '-' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return letters >= 2 || (letters == 1 && strings.HasSuffix(w, "."))
}

// agencyAt matches "(AP)", "(Reuters)", "(ANSA)" after blanks at i.
func agencyAt(p string, i int) (string, int, bool) {
	k := skipBlanks(p, i)
	if k >= len(p) || p[k] != '(' {
		return "", i, false
	}
	e := strings.IndexByte(p[k:], ')')
	if e < 0 || e > 30 {
		return "", i, false
	}
	name := strings.TrimSpace(p[k+1 : k+e])
	if !wireAgencies[strings.ToLower(name)] {
		return "", i, false
	}
	return name, k + e + 1, true
}

// regionAt matches one to three capitalised words in brackets after
// blanks at i ("(New Jersey)"), and returns the offset after them.
func regionAt(p string, i int) (int, bool) {
	k := skipBlanks(p, i)
	if k >= len(p) || p[k] != '(' {
		return i, false
	}
	e := strings.IndexByte(p[k:], ')')
	if e < 0 || e > 40 {
		return i, false
	}
	ws := strings.Fields(p[k+1 : k+e])
	if len(ws) == 0 || len(ws) > 3 {
		return i, false
	}
	for _, w := range ws {
		if !isNameWord(w) && !isCapsWord(w) {
			return i, false
		}
	}
	// Only a region when a separator follows: "(New Jersey) -".
	if _, ok := sepAt(p, k+e+1); !ok {
		return i, false
	}
	return k + e + 1, true
}

// sepAt matches a dateline separator after blanks at i: a dash (-, --,
// –, —) or a colon, and returns the offset after it.
func sepAt(p string, i int) (int, bool) {
	k := skipBlanks(p, i)
	for _, s := range []string{"--", "—", "–", "-", ":", "|"} {
		if strings.HasPrefix(p[k:], s) {
			return k + len(s), true
		}
	}
	return i, false
}

// storyStarts reports whether the story goes on at i (after blanks) with
// a capital, a digit or an opening quote, and where.
func storyStarts(p string, i int) (int, bool) {
	k := skipBlanks(p, i)
	if k >= len(p) {
		return k, false
	}
	r, _ := utf8.DecodeRuneInString(p[k:])
	return k, unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("«“\"‘'", r)
}

func skipBlanks(p string, i int) int {
	for i < len(p) && p[i] == ' ' {
		i++
	}
	return i
}

// dateAt reads a date after blanks at i: "18 novembre 2025", "Dec 4",
// "December 4, 2025", "17 DIC", "4 dicembre". It returns the date as
// written and the offset after it.
func dateAt(p string, i int) (string, int, bool) {
	start := skipBlanks(p, i)
	type tok struct {
		w   string // lower case, without trailing punctuation
		end int    // offset after the word without trailing punctuation
	}
	var toks []tok
	for j := start; len(toks) < 5; {
		w, next := wordAt(p, j)
		if w == "" {
			break
		}
		bare := strings.TrimRight(w, ",.")
		toks = append(toks, tok{strings.ToLower(bare), next - (len(w) - len(bare))})
		j = next
	}
	k := 0
	at := func(n int) string {
		if n < len(toks) {
			return toks[n].w
		}
		return ""
	}
	if weekdayWords[at(k)] {
		k++
	}
	switch {
	case isDay(at(k)) && monthWords[at(k+1)]:
		k += 2
	case monthWords[at(k)] && isDay(at(k+1)):
		k += 2
	default:
		return "", i, false
	}
	if y := at(k); len(y) == 4 && isDigits(y) {
		k++
	}
	end := toks[k-1].end
	return p[start:end], end, true
}

func isDay(w string) bool {
	return len(w) >= 1 && len(w) <= 2 && isDigits(w) && w != "0" && w != "00"
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isCreditLine reports a wire credit or copyright line: "Reporting by Jane
// Doe; Editing by John Roe", "© Riproduzione riservata", "Associated Press
// writer Jane Doe contributed to this report."
func isCreditLine(l line) bool {
	lp, n := l.lp, l.n
	if n > maxFurnitureWords {
		return false
	}
	if n <= 3 && wireAgencies[strings.Trim(lp, "()[]. ")] {
		return true // "(ANSA)", "Reuters"
	}
	return hasLead(lp, creditLeads) || containsAny(lp, creditPhrases)
}

// mayBeFurniture is a cheap gate before the word-list tests: a paragraph
// can be furniture only if it is short, opens with a word that opens some
// furniture, carries a mark that credits and captions use, ends with a
// year, or names one of the few words promo and credit lines cannot do
// without. Most prose fails all of these at once.
func mayBeFurniture(p string) bool {
	if wordCount(p) <= 15 || strings.IndexByte(p, '/') >= 0 || strings.IndexByte(p, '|') >= 0 || strings.Contains(p, "©") {
		return true
	}
	if c := strings.IndexByte(p, ':'); c >= 0 && (c < 40 || closedByCredit(p)) {
		return true // "Foto: …", "Read more: …", "… Image: NASA."
	}
	if t := strings.TrimSuffix(p, "."); len(t) >= 4 && isDigits(t[len(t)-4:]) {
		return true
	}
	ops := furnitureOpeners()
	w1, rest, _ := strings.Cut(p, " ")
	w1 = strings.ToLower(strings.TrimLeft(w1, "("))
	w2, _, _ := strings.Cut(rest, " ")
	if ops[w1] || ops[w1+" "+strings.ToLower(w2)] {
		return true
	}
	// One pass over the words for the few that promo, credit and caption
	// phrases inside a paragraph cannot do without.
	for i := 0; i < len(p); {
		j := i
		for j < len(p) && p[j] != ' ' {
			j++
		}
		if w := p[i:j]; len(w) >= 5 && len(w) <= 14 && gateWord(w) {
			return true
		}
		i = j + 1
	}
	return false
}

// gateWord reports a word (any case, trailing punctuation allowed) that
// starts like one of gatePrefixes.
func gateWord(w string) bool {
	c := w[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	for _, g := range gatePrefixes {
		if g[0] != c || len(w) < len(g) {
			continue
		}
		k := 1
		for ; k < len(g); k++ {
			d := w[k]
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != g[k] {
				break
			}
		}
		if k == len(g) {
			return true
		}
	}
	return false
}

// gatePrefixes start the words every promo, credit and caption phrase
// that can sit inside a paragraph contains.
var gatePrefixes = []string{"newsletter", "cookie", "contribut", "collabor", "riserv", "reserved", "getty",
	"shutterstock", "pictured", "foto", "photo", "whatsapp", "telegram", "principles", "material"}

var (
	openersOnce sync.Once
	openers     map[string]bool
)

// furnitureOpeners holds the opening word of every one-word lead of the
// word lists and the first two words of every longer one.
func furnitureOpeners() map[string]bool {
	openersOnce.Do(func() {
		openers = map[string]bool{}
		for _, list := range [][]string{bylineLeads, creditLeads, captionLeads, relatedLeads, promoLeads, dateLeads} {
			for _, l := range list {
				ws := strings.Fields(strings.TrimLeft(l, "("))
				switch {
				case len(ws) == 1:
					openers[strings.TrimRight(ws[0], ":")] = true
				case len(ws) > 1:
					openers[ws[0]+" "+strings.TrimRight(ws[1], ":")] = true
				}
			}
		}
	})
	return openers
}

// closedByCredit reports a description closed by its picture credit:
// "… on February 8, 2010. Image: Brian Burnell."
func closedByCredit(p string) bool {
	c := strings.LastIndexByte(p, ':')
	if c <= 0 || len(p)-c >= 60 {
		return false
	}
	dot := strings.LastIndex(p[:c], ". ")
	return dot >= 0 && captionWords[strings.ToLower(strings.TrimSpace(p[dot+2:c]))]
}

// isShortCaption reports a paragraph that can be the caption above a
// photo credit: one sentence of at most 15 words with its full stop (a
// title above a credit has none).
func isShortCaption(p string) bool {
	n := wordCount(p)
	return n >= 2 && n <= 15 && strings.Count(p, ". ") == 0 && strings.HasSuffix(p, ".")
}

// isPhotoCredit reports a line that only credits a picture: "Credit :
// Christopher Penler, Shutterstock", "Foto: Ansa", "REUTERS/Mike Blake".
func isPhotoCredit(l line) bool {
	lp, n := l.lp, l.n
	if n > 10 {
		return false
	}
	lp = strings.Replace(lp, " :", ":", 1)
	return hasLead(lp, captionLeads) || containsAny(lp, captionMarks)
}

// isCaptionLine reports a photo or video caption or credit: one opening
// with "Foto:"/"Photo:", one carrying an agency photo credit
// ("REUTERS/Mike Blake", "AP Photo/…", "Getty Images"), or a one-sentence
// description of a picture that ends with its date ("An AT&T logo is
// pictured in Pasadena, California, U.S., January 24, 2018.").
func isCaptionLine(l line) bool {
	p, lp, n := l.p, l.lp, l.n
	if n > 60 {
		return false
	}
	if hasLead(lp, captionLeads) || containsAny(lp, captionMarks) {
		return true
	}
	if a, b, ok := strings.Cut(lp, " "); n == 2 && ok && isDigits(b) && captionWords[a] {
		return true // "image 677"
	}
	// A description closed by its credit: "The vessel on The Solent on
	// February 8, 2010. Image: Brian Burnell."
	if n <= maxFurnitureWords && closedByCredit(p) {
		return true
	}
	if n > 45 || !strings.HasSuffix(p, ".") {
		return false
	}
	return endsWithFullDate(strings.TrimSuffix(p, ".")) && containsAny(" "+lp, captionVerbs)
}

// endsWithFullDate reports whether s ends with "January 24, 2018" or
// "24 gennaio 2018".
func endsWithFullDate(s string) bool {
	if i := nthSpaceFromEnd(s, 3); i >= 0 {
		s = s[i+1:] // only the last three words matter
	}
	ws := strings.Fields(s)
	if len(ws) < 3 {
		return false
	}
	y := ws[len(ws)-1]
	if len(y) != 4 || !isDigits(y) {
		return false
	}
	a, b := strings.TrimRight(ws[len(ws)-3], ","), strings.TrimRight(ws[len(ws)-2], ",")
	return monthWords[strings.ToLower(a)] && isDay(b) || isDay(a) && monthWords[strings.ToLower(b)]
}

// isRelatedLine reports a related-article line: "Leggi anche: …", "Read
// more: …", or a linked headline with its date and no full stop
// ("ChatGPT: faro del Garante Privacy sui diritti degli utenti 20 Dicembre
// 2024").
func isRelatedLine(l line) bool {
	p, lp, n := l.p, l.lp, l.n
	if n > maxFurnitureWords {
		return false
	}
	if hasLead(lp, relatedLeads) {
		return true
	}
	if n < 4 || n > 25 || !endsWithFullDate(p) {
		return false
	}
	ws := strings.Fields(lp)
	// The date must be one no prose writes that way: an Italian month with
	// a capital, or after a headline with a colon, a quote or a dash
	// ("\"Document found on street\" — The Canadian Press, August 15, 2008").
	month := strings.TrimRight(ws[n-2], ",")
	if isDay(month) {
		month = strings.TrimRight(ws[n-3], ",")
	}
	first, _ := utf8.DecodeRuneInString(strings.Fields(p)[len(ws)-2])
	if italianMonths[month] && unicode.IsUpper(first) {
		return true
	}
	return strings.Contains(p, ": ") || strings.Contains(p, " — ") || strings.Contains(p, " – ") || strings.ContainsAny(p[:1], "\"“«")
}

// cutRelatedPrefix removes a linked headline and its date that a page put
// in front of a paragraph: "ChatGPT: faro del Garante Privacy sui diritti
// degli utenti 20 Dicembre 2024 Ricordiamo che …" → "Ricordiamo che …".
// The date must be one no prose writes that way (an Italian month with a
// capital) or, in English, follow a headline with a colon.
func cutRelatedPrefix(p string) string {
	head := p
	if i := nthSpace(p, 30); i > 0 {
		head = p[:i] // the link is in the first 30 words
	}
	if !yearThenCapital(head) {
		return p // no "… 2024 Ricordiamo": no linked headline
	}
	ws := strings.Fields(head)
	for k := 4; k+3 < len(ws) && k < 26; k++ {
		day, month, year, next := ws[k], ws[k+1], ws[k+2], ws[k+3]
		if !isDay(day) || len(year) != 4 || !isDigits(year) {
			continue
		}
		lm := strings.ToLower(month)
		first, _ := utf8.DecodeRuneInString(month)
		nextFirst, _ := utf8.DecodeRuneInString(next)
		if !monthWords[lm] || !unicode.IsUpper(first) || !unicode.IsUpper(nextFirst) {
			continue
		}
		head := strings.Join(ws[:k], " ")
		if strings.ContainsAny(head, ".!?") {
			return p
		}
		if !italianMonths[lm] && !strings.Contains(head, ": ") {
			return p
		}
		return strings.TrimSpace(p[nthSpace(p, k+3)+1:])
	}
	return p
}

// yearThenCapital reports a four-digit number followed by a space and a
// capital letter, as a linked headline's date runs into the paragraph.
func yearThenCapital(s string) bool {
	for i := 0; i+6 <= len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i == 4 && j+1 < len(s) && s[j] == ' ' {
			if r, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsUpper(r) {
				return true
			}
		}
		i = j
	}
	return false
}

// wordCount counts the words of a cleaned paragraph (single spaces).
func wordCount(p string) int {
	if p == "" {
		return 0
	}
	return strings.Count(p, " ") + 1
}

// nthSpaceFromEnd is the byte offset of the n-th space of p counted from
// its end, or -1.
func nthSpaceFromEnd(p string, n int) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == ' ' {
			if n--; n == 0 {
				return i
			}
		}
	}
	return -1
}

// nthSpace is the byte offset of the n-th space of p (n ≥ 1), or -1.
func nthSpace(p string, n int) int {
	for i := 0; i < len(p); i++ {
		if p[i] == ' ' {
			if n--; n == 0 {
				return i
			}
		}
	}
	return -1
}

// cutTrailingCredit removes a wire credit closing a paragraph of prose:
// "… the company said. (Reporting by Jane Doe; Editing by John Roe)",
// "… ha detto il ministro. (ANSA)".
func cutTrailingCredit(p string) string {
	if !strings.HasSuffix(p, ")") && !strings.HasSuffix(p, ").") {
		return p
	}
	open := strings.LastIndexByte(p, '(')
	if open <= 0 {
		return p
	}
	inner := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(p[open+1:], "."), ")"))
	before := strings.TrimSpace(p[:open])
	if !endsSentence(before) {
		return p
	}
	if wireAgencies[inner] || hasLead(inner, []string{"reporting by", "additional reporting", "editing by", "writing by", "compiled by"}) {
		return before
	}
	return p
}

// isPromoLine reports newsletter, subscription, sharing and cookie lines.
func isPromoLine(l line) bool {
	lp, n := l.lp, l.n
	if n > maxFurnitureWords {
		return false
	}
	if hasLead(lp, promoLeads) {
		return true
	}
	if a, b, ok := strings.Cut(lp, " "); n == 2 && ok && isDigits(a) && commentWords[b] {
		return true // "0 commenti"
	}
	for _, pair := range promoPairs {
		if strings.Contains(lp, pair[0]) && strings.Contains(lp, pair[1]) {
			return true
		}
	}
	return false
}

// isDateOnly reports a paragraph that is only a publication date or time:
// "Updated 10:30 AM EST, December 4, 2025", "Pubblicato il 18 novembre
// 2025 alle 10:30", "4 dicembre 2025".
func isDateOnly(p string) bool {
	if wordCount(p) > 12 {
		return false
	}
	lp, ws := lowerWords(p)
	if len(ws) == 0 || len(ws) > 12 {
		return false
	}
	for _, l := range dateLeads {
		if strings.HasPrefix(lp, l+" ") || strings.HasPrefix(lp, l+":") {
			lp = strings.TrimLeft(lp[len(l):], ": ")
			break
		}
	}
	dated := false
	for _, w := range strings.Fields(lp) {
		w = strings.Trim(w, ",.|·-–—()")
		switch {
		case w == "":
		case monthWords[w]:
			dated = true
		case weekdayWords[w], timeWords[w]:
		case isDigits(w):
			switch {
			case len(w) == 4:
				dated = true
			case len(w) > 2:
				return false // a figure, not a day or a year
			}
		case isClock(w):
		case isNumericDateWord(w):
			dated = true
		default:
			return false
		}
	}
	return dated
}

// isClock is "10:30", "9.15", "10:30am".
func isClock(w string) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "am"), "pm")
	h, m, ok := strings.Cut(w, ":")
	if !ok {
		h, m, ok = strings.Cut(w, ".")
	}
	return ok && len(h) >= 1 && len(h) <= 2 && len(m) == 2 && isDigits(h) && isDigits(m)
}

// isNumericDateWord is "2025-12-04", "04/12/2025", "4.12.2025".
func isNumericDateWord(w string) bool {
	n, digits := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == '/' || c == '.':
			n++
		default:
			return false
		}
	}
	return n == 2 && digits >= 4
}
