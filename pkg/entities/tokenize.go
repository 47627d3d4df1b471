package entities

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is a word or punctuation mark with its half-open byte range in the
// text it came from.
type Token struct {
	Text       string
	Start, End int
}

// elided are the Italian words that lose their final vowel before another
// word ("dell'Amazon", "l’Antitrust", "un’ipotesi"). The tokeniser splits after
// the apostrophe, as the CoNLL files do: "dell'" "Amazon".
var elided = map[string]bool{
	"l": true, "d": true, "s": true, "c": true, "m": true, "t": true, "v": true, "n": true,
	"un": true, "dell": true, "all": true, "dall": true, "nell": true, "sull": true,
	"coll": true, "quell": true, "quest": true, "bell": true, "sant": true, "tutt": true,
	"com": true, "dov": true, "cos": true, "anch": true, "nessun": true, "qualcun": true,
	"ciascun": true, "alcun": true, "buon": true, "mezz": true, "senz": true, "fin": true,
	"tra": false, "po": false,
}

// abbrevs keep their final full stop.
var abbrevs = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true,
	"sr": true, "inc": true, "ltd": true, "co": true, "corp": true, "sig": true, "sigg": true,
	"dott": true, "ing": true, "avv": true, "on": true, "gen": true, "col": true, "vs": true,
	"etc": true, "ecc": true, "no": false, "mt": true, "ft": true, "sen": true, "rep": true,
	"gov": true, "lt": true, "capt": true, "sgt": true, "jan": true, "feb": true, "aug": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "spa": false,
}

func isApos(r rune) bool { return r == '\'' || r == '’' || r == '`' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

type atom struct {
	start, end int
	word       bool
}

// Tokenize splits text into tokens with byte offsets. Words keep inner
// hyphens, dots ("U.S."), ampersands ("AT&T") and apostrophes ("O'Brien");
// Italian elisions are split after the apostrophe and English "'s"/"n't" are
// tokens of their own. Every token's Text equals text[Start:End].
func Tokenize(text string) []Token {
	return appendTokens(make([]Token, 0, len(text)/6), text) // about one token per six bytes of news text
}

// appendTokens appends the tokens of text to toks.
func appendTokens(toks []Token, text string) []Token {
	i := 0
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf { // ASCII, most of the text (issue #7)
			if asciiSpace[c] {
				i++
				continue
			}
		} else if r, sz := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) || r == utf8.RuneError && sz <= 1 {
			i += sz
			continue
		}
		j := i
		for j < len(text) {
			if c := text[j]; c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				j++
				continue
			}
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r2) || r2 == utf8.RuneError && s2 <= 1 {
				break
			}
			j += s2
		}
		toks = chunk(text, i, j, toks)
		i = j
	}
	return toks
}

// asciiSpace and asciiWord are unicode.IsSpace and isWordRune for ASCII.
var asciiSpace, asciiWord [utf8.RuneSelf]bool

func init() {
	for c := range utf8.RuneSelf {
		asciiSpace[c], asciiWord[c] = unicode.IsSpace(rune(c)), isWordRune(rune(c))
	}
}

// chunk tokenises the whitespace-free text[s:e].
func chunk(text string, s, e int, toks []Token) []Token {
	var buf [8]atom // most chunks are a word and a punctuation mark
	atoms := buf[:0]
	for i := s; i < e; {
		r, sz := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, sz = utf8.DecodeRuneInString(text[i:])
		}
		if isWordRune(r) {
			j := i + sz
			for j < e {
				if c := text[j]; c < utf8.RuneSelf {
					if !asciiWord[c] {
						break
					}
					j++
					continue
				}
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
			atoms = append(atoms, atom{i, j, true})
			i = j
			continue
		}
		atoms = append(atoms, atom{i, i + sz, false})
		i += sz
	}
	emit := func(a, b int) {
		if b > a {
			toks = append(toks, Token{Text: text[a:b], Start: a, End: b})
		}
	}
	k := 0
	for k < len(atoms) {
		a := atoms[k]
		if !a.word {
			emit(a.start, a.end)
			k++
			continue
		}
		// Grow a word over joiners that sit between two word atoms.
		start, end := a.start, a.end
		k++
		for k+1 < len(atoms) && !atoms[k].word && atoms[k+1].word {
			jr, _ := utf8.DecodeRuneInString(text[atoms[k].start:])
			left := text[start:end]
			right := text[atoms[k+1].start:atoms[k+1].end]
			ok := false
			switch {
			case isApos(jr):
				if elided[strings.ToLower(left[lastWordStart(left):])] {
					// Elision: "dell'" then the next word.
					emit(start, atoms[k].end)
					start, end = atoms[k+1].start, atoms[k+1].end
					k += 2
					continue
				}
				lr := strings.ToLower(right)
				if lr == "s" && (k+2 >= len(atoms) || !atoms[k+2].word) {
					ok = false // "Trump's": "'s" is a token
				} else if lr == "t" && strings.HasSuffix(strings.ToLower(left), "n") && len(left) > 1 {
					// "don't" -> "do" "n't"
					emit(start, end-1)
					start, end = end-1, atoms[k+1].end
					k += 2
					continue
				} else {
					ok = true
				}
			case jr == '-' || jr == '.' || jr == '&' || jr == '_' || jr == '@' || jr == '/' && false:
				ok = true
			case jr == ',' || jr == ':':
				ok = isDigits(left[lastWordStart(left):]) && isDigits(right)
			}
			if !ok {
				break
			}
			end = atoms[k+1].end
			k += 2
		}
		// A full stop right after the word stays if it ends an abbreviation.
		if k < len(atoms) && !atoms[k].word && text[atoms[k].start] == '.' && keepsDot(text[start:end]) {
			end = atoms[k].end
			k++
		}
		// "'s" after a word is a token of its own.
		if k+1 < len(atoms) && !atoms[k].word && atoms[k+1].word {
			jr, _ := utf8.DecodeRuneInString(text[atoms[k].start:])
			if isApos(jr) && strings.EqualFold(text[atoms[k+1].start:atoms[k+1].end], "s") {
				emit(start, end)
				start, end = atoms[k].start, atoms[k+1].end
				k += 2
			}
		}
		emit(start, end)
	}
	return toks
}

func lastWordStart(s string) int {
	i := len(s)
	for i > 0 {
		r, sz := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) {
			break
		}
		i -= sz
	}
	return i
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func keepsDot(w string) bool {
	if strings.Contains(w, ".") {
		return true // "U.S" -> "U.S."
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r) // initials: "J."
	}
	if i := strings.LastIndexByte(w, '-'); i >= 0 && i+1 < len(w) {
		w = w[i+1:] // "Minneapolis-St." keeps the dot of "St." (issue #17)
	}
	return abbrevs[strings.ToLower(w)]
}

// Sentences groups tokens into sentences: a break follows ".", "!", "?" or
// "…" (with any closing quotes or brackets) when the next token does not start
// with a lower-case letter, and every line break is a break too, because
// headlines and paragraphs sit on lines of their own.
func Sentences(text string, toks []Token) [][]Token {
	var out [][]Token
	start := 0
	for i := range toks {
		if i+1 == len(toks) {
			break
		}
		next := toks[i+1]
		brk := strings.ContainsAny(text[toks[i].End:next.Start], "\n\r")
		if !brk && isTerminal(toks[i].Text) {
			r, _ := utf8.DecodeRuneInString(next.Text)
			if !unicode.IsLower(r) && !isClosing(next.Text) {
				brk = true
			}
		}
		if !brk && isClosing(toks[i].Text) && i > 0 && isTerminal(toks[i-1].Text) {
			r, _ := utf8.DecodeRuneInString(next.Text)
			brk = unicode.IsUpper(r)
		}
		if brk {
			out = append(out, toks[start:i+1])
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

func isTerminal(s string) bool {
	return s == "." || s == "!" || s == "?" || s == "…"
}

func isClosing(s string) bool {
	switch s {
	case "\"", "”", "»", ")", "]", "’", "'":
		return true
	}
	return false
}
