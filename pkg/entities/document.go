package entities

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/language"
)

// Document-level consistency (issue #3). A sentence-level tagger forgets
// what it decided a sentence earlier: "Andy Warhol" is PER but "Warhol" alone
// three sentences later is missed or tagged ORG. An article is one document,
// so after tagging every sentence:
//   - a name tagged with different types takes the type it has most often
//     (ties keep each tag);
//   - a lone capitalised word that is the first or last word of a
//     multi-word PER name of the document is PER;
//   - an untagged run of capitalised words that equals a name tagged
//     elsewhere in the document gets that name's type.

// docRules switch the rules on, for measuring them one by one.
var docRules = struct {
	vote, surname, fill, partLex, titles bool
	minFill                              int
}{true, true, true, true, true, 2}

// TagDoc labels the sentences of one document in language lang with IOB2
// tags and makes the names consistent across the document.
func (m *Model) TagDoc(sents [][]string, lang string) [][]string {
	return m.tagDoc(sents, lang, false)
}

// tagDoc is TagDoc; with split, for a file that splits hyphenated words
// (SplitsHyphens), English words are joined again for tagging (tagHyphens).
func (m *Model) tagDoc(sents [][]string, lang string, split bool) [][]string {
	out := make([][]string, len(sents))
	l, _ := language.Get(lang)
	join := split && l.JoinsHyphens
	for i, s := range sents {
		if join {
			out[i] = m.tagHyphens(s)
		} else {
			out[i] = m.Tag(s)
		}
	}
	m.docConsistency(sents, out, lang)
	return out
}

// TagDocFor returns o.TagDoc for labelled sentences tokenised as sents:
// when they split hyphenated words (SplitsHyphens), English words are
// joined again for tagging. The choice reads the whole file's tokens, never
// its labels.
func (o *Offline) TagDocFor(sents [][]string) func([][]string, string) [][]string {
	split := SplitsHyphens(sents)
	return func(doc [][]string, lang string) [][]string {
		m := o.model(lang)
		if m == nil {
			return o.TagDoc(doc, lang)
		}
		out := m.tagDoc(doc, lang, split)
		for _, t := range out {
			MapMISC(t)
		}
		return out
	}
}

// SplitsHyphens reports whether sents were tokenised with hyphenated words
// split ("Lee Cheuk - yan", as GUM): more lone hyphens between two words
// than words with a hyphen inside. GUM: 132 against 59 (it keeps "anti-",
// "pro-"); WikiGold 61 against 321, WikiNEuRal en 49 against 583, where a
// lone hyphen is a dash ("Bangkok - Chiang Mai") that joining would glue.
func SplitsHyphens(sents [][]string) bool {
	lone, inner := 0, 0
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for _, s := range sents {
		for i, t := range s {
			if t == "-" {
				if i > 0 && i+1 < len(s) {
					a, _ := utf8.DecodeLastRuneInString(s[i-1])
					b, _ := utf8.DecodeRuneInString(s[i+1])
					if word(a) && word(b) {
						lone++
					}
				}
				continue
			}
			rs := []rune(t)
			for j := 1; j+1 < len(rs); j++ {
				if rs[j] == '-' && word(rs[j-1]) && word(rs[j+1]) {
					inner++
					break
				}
			}
		}
	}
	return lone > inner
}

// tagHyphens tags toks with hyphenated words put back together: a file
// may split "Lee Cheuk-yan" or "Wright-Patterson" at the hyphen (GUM does),
// but Tokenize keeps such a word whole and the English training text mostly
// does too (WikiGold and WikiNEuRal en: 904 words with a hyphen inside, 110
// lone hyphens between words). English only: joined unconditionally, KIND
// dev lost 0.009 F1. Only hyphens next to a capitalised piece are joined
// (names); pieces joined to a word of a name continue it.
func (m *Model) tagHyphens(toks []string) []string {
	joined, group := joinHyphens(toks)
	if len(joined) == len(toks) {
		return m.Tag(toks)
	}
	jt := m.Tag(joined)
	out := make([]string, len(toks))
	for i, g := range group {
		t := jt[g]
		if i > 0 && group[i-1] == g && t != "O" {
			t = "I-" + t[2:]
		}
		out[i] = t
	}
	return out
}

// joinHyphens joins "a - b" into "a-b" where hyphenJoins(a, b). It returns
// the joined words and the index among them of each token.
func joinHyphens(toks []string) (joined []string, group []int) {
	for i := 0; i < len(toks); i++ {
		if n := len(joined); n > 0 && toks[i] == "-" && i+1 < len(toks) && hyphenJoins(toks[i-1], toks[i+1]) {
			joined[n-1] += "-" + toks[i+1]
			group = append(group, n-1, n-1)
			i++
			continue
		}
		joined = append(joined, toks[i])
		group = append(group, len(joined)-1)
	}
	return joined, group
}

// hyphenJoins reports whether "a - b" is read as the word "a-b". Not
// before a function word ("Safari - and"), a spaced dash, nor between two
// all-capital words (a headline's "SOCCER - JAPAN").
func hyphenJoins(a, b string) bool {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	ok := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return ok(ra) && ok(rb) && (isCap(a) || isCap(b)) && !(isAllCaps(a) && isAllCaps(b)) && !dashWords[b]
}

// dashWords are lower-case function words that follow a dash, never a hyphen
// inside a name.
var dashWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "of": true, "to": true,
	"in": true, "on": true, "at": true, "by": true, "for": true, "with": true, "from": true, "as": true,
	"which": true, "who": true, "that": true, "this": true, "it": true, "he": true, "she": true, "they": true,
	"we": true, "is": true, "was": true, "are": true, "were": true, "not": true,
}

type docSpan struct {
	sent, start, end int
	typ, key         string
}

// docConsistency applies the document rules to tags in place. In English a
// name does not start with "the" (CoNLL and GUM leave it out; KIND keeps
// "The" in "The Guardian").
func (m *Model) docConsistency(sents, tags [][]string, lang string) {
	l, _ := language.Get(lang)
	article := l.NameArticle
	var spans []docSpan
	votes := map[string]*docVotes{}
	parts := map[string]bool{} // first and last words of multi-word PER names
	for si, tg := range tags {
		for _, sp := range tagSpans(tg) {
			if sp.typ != "PER" && sp.typ != "ORG" && sp.typ != "LOC" {
				continue
			}
			if article != "" && sp.end-sp.start > 1 && strings.EqualFold(sents[si][sp.start], article) {
				tg[sp.start], tg[sp.start+1] = "O", "B-"+sp.typ
				sp.start++
			}
			if sp.typ == "PER" && docRules.titles {
				if sp.start = stripTitles(sents[si], tg, sp.start, sp.end); sp.start == sp.end {
					continue
				}
			}
			k := spanKey(sents[si][sp.start:sp.end])
			spans = append(spans, docSpan{si, sp.start, sp.end, sp.typ, k})
			v := votes[k]
			if v == nil {
				v = new(docVotes)
				votes[k] = v
			}
			v[docTypeIndex(sp.typ)]++
			if sp.typ == "PER" && sp.end-sp.start >= 2 {
				for _, i := range []int{sp.start, sp.end - 1} {
					if w := sents[si][i]; isCap(w) && utf8.RuneCountInString(w) > 1 && !strings.HasSuffix(w, ".") {
						if l := strings.ToLower(w); m.namePart(l) {
							parts[l] = true
						}
					}
				}
			}
		}
	}
	if len(spans) == 0 {
		return
	}
	best := func(k string) string {
		bt, bn, tie := "", 0, false
		v := votes[k]
		for i, t := range docTypes {
			n := 0
			if v != nil {
				n = v[i]
			}
			if n > bn {
				bt, bn, tie = t, n, false
			} else if n == bn && n > 0 {
				tie = true
			}
		}
		if tie {
			return ""
		}
		return bt
	}
	retag := func(sp docSpan, typ string) {
		tg := tags[sp.sent]
		tg[sp.start] = "B-" + typ
		for i := sp.start + 1; i < sp.end; i++ {
			tg[i] = "I-" + typ
		}
	}
	for _, sp := range spans {
		typ := sp.typ
		if docRules.surname && sp.end-sp.start == 1 && parts[sp.key] {
			typ = "PER"
		} else if docRules.vote {
			if b := best(sp.key); b != "" {
				typ = b
			}
		}
		if typ != sp.typ {
			retag(sp, typ)
		}
	}
	if !docRules.fill && !docRules.surname {
		return
	}
	// untagged runs of capitalised words
	for si, toks := range sents {
		tg := tags[si]
		for i := 0; i < len(toks); {
			if !free(tg[i]) || !isCap(toks[i]) {
				i++
				continue
			}
			j := i + 1
			for j < len(toks) && free(tg[j]) && (isCap(toks[j]) || joiner[strings.ToLower(toks[j])]) {
				j++
			}
			for j > i+1 && !isCap(toks[j-1]) {
				j--
			}
			m.fillRun(sents[si], tg, i, j, votes, parts, best)
			i = j
		}
	}
}

// namePart reports whether a word of a PER name may stand for the person
// alone: not a common word ("Ambassador") and not a word the lexicon knows
// only as a non-person name ("Afghan").
func (m *Model) namePart(l string) bool {
	if m.commonWord(l) || titles[l] {
		return false
	}
	lx := m.lex[hstr(fnvOff, l)]
	return lx == 0 || lx&1 != 0 || !docRules.partLex
}

// titles come before names but do not stand for the person.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "lord": true, "lady": true, "president": true,
	"ambassador": true, "minister": true, "senator": true, "governor": true, "mayor": true, "king": true,
	"queen": true, "prince": true, "princess": true, "pope": true, "general": true, "captain": true,
	"judge": true, "sheriff": true, "professor": true, "chairman": true, "ceo": true, "coach": true,
	"saint": true, "presidente": true, "ministro": true, "senatore": true, "sindaco": true, "papa": true,
	"re": true, "regina": true, "dottor": true, "dottore": true, "avvocato": true, "onorevole": true,
	"signor": true, "signora": true, "don": true, "san": true, "santa": true,
}

// personTitles are offices and honorifics that are not part of a person's
// name (CoNLL and GUM leave them out: "U.S. President Donald Trump" is PER
// "Donald Trump"). Only words that rarely begin a name themselves: not
// "Lady", "King", "Captain" or "Regina".
var personTitles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "president": true, "ambassador": true, "minister": true,
	"senator": true, "governor": true, "mayor": true, "sheriff": true, "professor": true, "chairman": true,
	"chancellor": true, "secretary": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"ceo": true, "coach": true, "judge": true, "administrator": true, "commissioner": true, "director": true,
	"presidente": true, "ministro": true, "senatore": true, "sindaco": true, "dottor": true, "avvocato": true,
	"onorevole": true, "signor": true, "signora": true, "cancelliere": true, "portavoce": true,
}

// stripTitles drops the title words at the front of the PER span
// tg[start:end] and whatever stands before the last of them ("Afghan
// Ambassador Hamdullah Mohib" → "Hamdullah Mohib"; "Afghan Ambassador" → O,
// which would otherwise make "Afghan" a first name of the article). It returns
// the span's new start (end when nothing is left).
func stripTitles(toks, tg []string, start, end int) int {
	last := -1
	for i := start; i < end; i++ {
		if personTitles[strings.TrimSuffix(strings.ToLower(toks[i]), ".")] {
			last = i
		}
	}
	if last < 0 {
		return start
	}
	for i := start; i <= last; i++ {
		tg[i] = "O"
	}
	if last+1 < end {
		tg[last+1] = "B-PER"
	}
	return last + 1
}

// joiner words may stand inside a multi-word name ("Bank of America").
var joiner = map[string]bool{"of": true, "de": true, "di": true, "del": true, "della": true, "&": true, "and": true, "e": true, "-": true}

// fillRun tags the untagged capitalised run toks[i:j] when it, as a whole
// or after a capitalised common word ("The Warhol"), is a name of the
// document. A one-word name must not be a sentence's first word when that
// is a common word ("Home" in "Home prices").
func (m *Model) fillRun(toks, tg []string, i, j int, votes map[string]*docVotes, parts map[string]bool, best func(string) string) {
	typ := m.runType(toks, i, j, votes, parts, best)
	if typ == "" && i+1 < j && m.commonWord(toks[i]) {
		i++
		typ = m.runType(toks, i, j, votes, parts, best)
	}
	if typ == "" {
		return
	}
	if j == i+1 {
		first := i == 0
		if !first {
			r, _ := utf8.DecodeRuneInString(toks[i-1])
			first = !unicode.IsLetter(r) && !unicode.IsDigit(r) && i == 1
		}
		l := strings.ToLower(toks[i])
		if (first && m.commonWord(l)) || notNames[l] || utf8.RuneCountInString(l) < 2 {
			return
		}
	}
	tg[i] = "B-" + typ
	for x := i + 1; x < j; x++ {
		tg[x] = "I-" + typ
	}
}

// runType is the document type of the name toks[i:j], or "".
func (m *Model) runType(toks []string, i, j int, votes map[string]*docVotes, parts map[string]bool, best func(string) string) string {
	k := spanKey(toks[i:j])
	switch {
	case docRules.fill && votes[k] != nil && votes[k][0]+votes[k][1]+votes[k][2] >= docRules.minFill:
		return best(k)
	case docRules.surname && j == i+1 && parts[k]:
		return "PER"
	}
	return ""
}

// commonWord reports a word seen mostly in lower case.
func (m *Model) commonWord(w string) bool {
	l := strings.ToLower(w)
	return m.lower[hstr(fnvOff, l)] || commonLower(l)
}

// free reports whether a token is outside every PER, ORG and LOC name.
func free(t string) bool {
	return len(t) < 3 || (t[2:] != "PER" && t[2:] != "ORG" && t[2:] != "LOC")
}

func spanKey(toks []string) string {
	return strings.ToLower(strings.Join(toks, " "))
}

// docVotes counts a name's spans by type, in the order of docTypes (an
// array, not a map per name: issue #7).
type docVotes [3]int

var docTypes = [3]string{"PER", "ORG", "LOC"}

// docTypeIndex is t's index in docTypes (t is one of them).
func docTypeIndex(t string) int {
	switch t {
	case "PER":
		return 0
	case "ORG":
		return 1
	}
	return 2
}
