// Package sentence splits Italian and English news text into sentences.
//
// General-purpose segmenters (Unicode UAX #29, Punkt models) split Italian
// news far too often: they do not know "dott.ssa", "l'on." or "S.p.A.", and
// they run headings into the next paragraph. Summaries, key points and
// entity offsets all depend on sentence boundaries, so the pipeline uses this
// small rule-based splitter instead. The rules, in order:
//
//   - A blank line ends a paragraph, and every paragraph ends a sentence.
//   - A line break after a line without final punctuation (a heading, a
//     caption, a list item) ends the sentence, unless the line ends with a
//     continuation mark (, ; ( - –) or the next line starts with a lower-case
//     letter (a hard-wrapped paragraph).
//   - '.', '!', '?', '…' and "..." end a sentence when followed by white
//     space (or the end of the text) and the next word does not start with a
//     lower-case letter. Closing quotes and brackets after the mark («…»,
//     “…”, "…", ')') stay with the sentence that ends inside them.
//   - A '.' with no space after it (10.30, 3.5, S.p.A, example.com) never ends
//     a sentence.
//   - Title-like abbreviations (sig., dott.ssa, prof., on., avv., Mr., Dr.,
//     cfr., pag., art., n., e.g., Jan. ...) never end a sentence, also after
//     an elision (l'on., dell'avv.) or an opening bracket ((cfr.).
//   - Abbreviations that often end a sentence (S.p.A., Inc., ecc., etc.,
//     U.S., a.m.) and single capital initials (J. R. R. Tolkien) end one
//     only when the next word is a function word that commonly starts a
//     sentence ("The", "Il", "In" ...): "U.S. President" stays whole, "the
//     U.S. The President" splits. An opening quote or bracket after
//     them starts a sentence too. In a hyphenated name the last part is
//     the abbreviation: "Minneapolis-St. Paul" stays whole.
//
// Offsets are byte offsets into the text as given, so they can be matched
// with entity mentions.
package sentence

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is one sentence: text[Start:End], trimmed of surrounding white space.
type Span struct {
	Start, End int
}

// Texts returns the sentence strings for spans of text.
func Texts(text string, spans []Span) []string {
	if len(spans) == 0 {
		return nil
	}
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = text[s.Start:s.End]
	}
	return out
}

// Split returns the sentences of text in order. lang ("it", "en", or
// anything else for both) selects nothing today beyond documentation: the
// abbreviation lists of both languages are always active, because Italian
// tech news quotes English names ("Inc.", "Mr.") and vice versa.
func Split(text, lang string) []Span {
	_ = lang
	var spans []Span
	start := -1 // start of the current sentence, -1 when between sentences
	emit := func(end int) {
		if start < 0 {
			return
		}
		s, e := trim(text, start, end)
		if s < e {
			spans = append(spans, Span{s, e})
		}
		start = -1
	}
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if start < 0 {
			if !unicode.IsSpace(r) {
				start = i
			}
			if r != '\n' {
				i += size
				continue
			}
		}
		switch {
		case r == '\n':
			if start >= 0 && lineBreakEnds(text, start, i) {
				emit(i)
			}
			i += size
		case r == '.' || r == '!' || r == '?' || r == '…':
			end, ok := terminal(text, start, i)
			if ok {
				emit(end)
				i = end
				continue
			}
			i = end
		default:
			i += size
		}
	}
	emit(len(text))
	return spans
}

// trim shrinks [s,e) to exclude white space on both sides.
func trim(text string, s, e int) (int, int) {
	for s < e {
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// lineBreakEnds decides whether the newline at nl ends the sentence that
// started at start.
func lineBreakEnds(text string, start, nl int) bool {
	// Blank line (only white space up to the next newline or the end): a
	// paragraph break always ends the sentence.
	j := nl + 1
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			break
		}
		j += size
	}
	if j >= len(text) {
		return true
	}
	_, e := trim(text, start, nl)
	if e <= start {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text[start:e])
	switch last {
	case ',', ';', '(', '-', '–', '—', '/', '&', '+':
		return false
	}
	if isClosing(last) || last == '.' || last == '!' || last == '?' || last == '…' {
		// Punctuated line: the punctuation rules decided already (for
		// example an abbreviation at the end of a line); a closing quote
		// or bracket at the end of a line also ends it.
		if isClosing(last) {
			next, _ := utf8.DecodeRuneInString(text[j:])
			return !unicode.IsLower(next)
		}
		return false
	}
	next, _ := utf8.DecodeRuneInString(text[j:])
	return !unicode.IsLower(next)
}

// terminal looks at the punctuation mark at i. It returns the byte offset just
// past the mark and any closing quotes or brackets, and whether the sentence
// ends there.
func terminal(text string, start, i int) (int, bool) {
	// Consume the run of terminal marks: "...", "?!", "…".
	j := i
	dots := 0
	other := false
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if r == '.' {
			dots++
		} else if r == '!' || r == '?' || r == '…' {
			other = true
		} else {
			break
		}
		j += size
	}
	// Closing quotes and brackets stay with the sentence.
	k := j
	for k < len(text) {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !isClosing(r) {
			break
		}
		k += size
	}
	if k < len(text) {
		r, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsSpace(r) {
			// 10.30, S.p.A, www.example.com, "Yahoo!Inc": not an end.
			return j, false
		}
	}
	next := nextWord(text, k)
	if next == "" {
		return k, true
	}
	first, _ := utf8.DecodeRuneInString(next)
	if unicode.IsLower(first) {
		return k, false
	}
	if other || dots > 1 || k > j {
		// "!", "?", ellipsis, or a full stop inside closing quotes.
		if dots == 1 && !other && k > j {
			return k, !abbrevBlocks(text, start, i, next)
		}
		return k, true
	}
	return k, !abbrevBlocks(text, start, i, next)
}

// abbrevBlocks reports whether the word before the full stop at dot is an
// abbreviation that keeps the sentence going before the word next.
func abbrevBlocks(text string, start, dot int, next string) bool {
	w := wordBefore(text, start, dot)
	if w == "" {
		return false
	}
	if i := strings.LastIndexAny(w, "-–"); i >= 0 && !strings.Contains(w[i:], ".") {
		// The last part of a hyphenated name: "Minneapolis-St." is "St.".
		_, size := utf8.DecodeRuneInString(w[i:])
		if tail := w[i+size:]; tail != "" {
			w = tail
		}
	}
	lw := strings.ToLower(w)
	if prefixAbbrev[lw] {
		return true
	}
	if opensQuote(text, dot) {
		// A quotation or bracket opens after the abbreviation: "in the
		// U.S. «We …»" starts a sentence.
		return false
	}
	nextLower := strings.ToLower(strings.TrimFunc(next, func(r rune) bool {
		return !unicode.IsLetter(r)
	}))
	starter := sentenceStarters[nextLower]
	if ambiguousAbbrev[lw] {
		return !starter
	}
	// Single capital initial: "J. R. R. Tolkien", "George W. Bush".
	if r, size := utf8.DecodeRuneInString(w); size == len(w) && unicode.IsUpper(r) {
		return !starter
	}
	// Dotted acronyms not in the lists (N.A.T.O.): treat like the
	// ambiguous abbreviations.
	if strings.Contains(w, ".") && isDottedAcronym(w) {
		return !starter
	}
	return false
}

// opensQuote reports whether the next non-blank after the mark at dot
// (and any closing marks) opens a quotation or a bracket.
func opensQuote(text string, dot int) bool {
	i := dot + 1
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			return r == '«' || r == '“' || r == '('
		}
		i += size
	}
	return false
}

// wordBefore returns the token that ends at dot, without leading brackets,
// quotes or an elided article (l', dell', nell’).
func wordBefore(text string, start, dot int) string {
	b := dot
	for b > start {
		r, size := utf8.DecodeLastRuneInString(text[start:b])
		if unicode.IsSpace(r) || r == '(' || r == '[' || r == '«' || r == '"' || r == '“' || r == '/' {
			break
		}
		if r == '\'' || r == '’' {
			break
		}
		b -= size
	}
	return text[b:dot]
}

// nextWord returns the next white-space-delimited token after i, without
// leading opening quotes or brackets.
func nextWord(text string, i int) string {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) && !isOpening(r) {
			break
		}
		i += size
	}
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += size
	}
	return text[i:j]
}

func isDottedAcronym(w string) bool {
	for _, part := range strings.Split(w, ".") {
		if utf8.RuneCountInString(part) > 2 {
			return false
		}
	}
	return true
}

func isClosing(r rune) bool {
	switch r {
	case '»', '”', '"', '’', '\'', ')', ']', '›':
		return true
	}
	return false
}

func isOpening(r rune) bool {
	switch r {
	case '«', '“', '"', '‘', '\'', '(', '[', '‹', '„':
		return true
	}
	return false
}

// prefixAbbrev never end a sentence: titles before names, references
// before numbers, Latin "for example". Only forms that are not also
// ordinary words belong here.
var prefixAbbrev = set(
	// Italian
	"sig", "sigg", "sig.ra", "sig.na", "dott", "dott.ssa", "dr.ssa", "prof", "prof.ssa",
	"avv", "ing", "geom", "rag", "mons", "sen", "cfr", "pag", "pagg", "artt", "nr",
	"ill.mo", "egr", "gent", "gent.mo", "gent.ma", "spett", "p.za", "c.so", "v.le",
	"tel", "d.lgs", "d.l", "dr", "sott", "magg", "ten",
	// English
	"mr", "mrs", "ms", "messrs", "rev", "hon", "gov", "lt", "sgt", "capt", "cmdr",
	"adm", "maj", "vs", "e.g", "i.e", "cf", "approx", "figs", "dept", "pp",
	"jan", "feb", "apr", "jun", "jul", "aug", "sept", "oct", "nov", "dec",
)

// ambiguousAbbrev end a sentence only before a typical sentence starter:
// they are also ordinary words ("via", "no", "art") or often close a
// sentence ("S.p.A.", "etc.").
var ambiguousAbbrev = set(
	"on", "arch", "card", "gen", "col", "cap", "n", "num", "vol", "par", "fig",
	"tab", "es", "ca", "min", "dir", "pres", "via", "st", "ss", "art", "no", "nos",
	"rep", "v", "ed", "eds", "p", "ch", "sec", "est", "mar", "sep", "ft", "ave", "mt",
	"s.p.a", "s.r.l", "s.a.s", "s.n.c", "spa", "srl", "inc", "ltd",
	"corp", "co", "jr", "sr", "bros", "plc", "llc", "u.s", "u.k", "u.s.a", "u.n",
	"e.u", "a.m", "p.m", "a.c", "d.c", "ph.d", "b.c", "a.d",
)

// sentenceStarters are function words that commonly open a sentence in
// either language; after an ambiguous abbreviation they signal a boundary.
var sentenceStarters = set(
	"the", "a", "an", "this", "that", "these", "those", "it", "he", "she", "they",
	"we", "i", "you", "his", "her", "their", "its", "in", "on", "at", "after",
	"but", "and", "however", "meanwhile", "according", "there", "if", "when",
	"while", "as", "for", "since", "both", "some", "many", "most", "other",
	"il", "lo", "la", "le", "gli", "l", "un", "una", "uno", "questo", "questa",
	"nel", "nella", "per", "ma", "e", "anche", "secondo", "dopo", "intanto",
	"inoltre", "tuttavia", "non", "si", "ci", "in", "con", "da", "dal", "dalla",
	"a", "al", "alla", "è", "sono", "ha", "hanno", "oggi", "ieri", "poi",
	// More openers: question words, adverbs, pronouns, quantifiers.
	"what", "why", "how", "who", "where", "so", "still", "also", "then", "now", "today", "yesterday",
	"earlier", "later", "last", "next", "despite", "although", "because", "under", "by", "with", "from",
	"until", "during", "before", "each", "every", "all", "such", "our", "my", "your", "no", "yes", "instead",
	"shares", "analysts", "officials", "investors", "users", "customers", "experts", "critics", "researchers",
	"i", "questi", "queste", "quello", "quella", "ora", "ancora", "però", "quindi", "infatti", "così", "già",
	"mentre", "se", "quando", "come", "chi", "cosa", "nei", "negli", "nelle", "sul", "sulla", "tra", "fra",
	"entro", "tutti", "tutte", "ogni", "alcuni", "molti", "lui", "lei", "loro", "noi", "io", "lo", "del",
	"della", "nello", "secondo", "grazie", "insomma", "invece", "gli", "analisti", "utenti", "azioni",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
