package summarise

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is one token of a sentence.
type word struct {
	surface string // as written, without surrounding punctuation
	lower   string
	id      int32 // number of the key (lower truncated to keyLen runes) in the article
	runes   int32 // runes in lower
	stop    bool
	cap     bool // starts with an upper-case letter
	num     bool // contains a digit
	cont    bool // content(), precomputed
}

// keyLen is the prefix length used as a poor man's stem: in Italian and
// English the first six letters separate most content words while merging
// inflections (investimento/investimenti, announce/announced).
const keyLen = 6

// tokenize splits s into words. Elided articles and prepositions (l', dell',
// nell’, all') are split off and dropped, so "dell’intelligenza" matches
// "intelligenza".
func tokenize(s string) []word {
	var tk tokenizer
	tk.add(s)
	return tk.finish()
}

// tokenizer tokenizes the texts of one article. It lower-cases every word
// into one buffer, so an article costs one string, not one per capitalised
// word, and numbers the distinct keys so that sentences can be compared with
// integer sets instead of maps.
type tokenizer struct {
	words []word
	lows  []int32 // end of each word's lower case in low
	low   []byte
	keyID map[string]int32
	nkeys int
}

// isWordRune reports the runes words are made of: the complement of the
// separators of the original strings.FieldsFunc.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '\'' || r == '-' || r == '&'
	}
	return r == '’' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// grow makes room for the words of n bytes of text.
func (tk *tokenizer) grow(n int) {
	tk.words = slices.Grow(tk.words, n/6+4)
	tk.lows = slices.Grow(tk.lows, n/6+4)
	tk.low = slices.Grow(tk.low, n)
}

// add appends the words of s; their lower, key and flags are set by finish.
func (tk *tokenizer) add(s string) {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			tk.field(s[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		tk.field(s[start:])
	}
}

// field handles one run of word runes exactly as the original tokenize did.
func (tk *tokenizer) field(f string) {
	f = trimPunct(f)
	if i := apostrophe(f); i > 0 && i <= 5 {
		var buf [32]byte
		if elided[string(appendLower(buf[:0], f[:i]))] {
			_, size := utf8.DecodeRuneInString(f[i:])
			f = f[i+size:]
		}
	}
	if f == "" {
		return
	}
	mark := len(tk.low)
	tk.low = appendLower(tk.low, f)
	if lw := tk.low[mark:]; string(lw) == "'s" || string(lw) == "s" {
		tk.low = tk.low[:mark]
		return
	}
	r, _ := utf8.DecodeRuneInString(f)
	w := word{surface: f, cap: unicode.IsUpper(r)}
	w.num = strings.IndexFunc(f, unicode.IsDigit) >= 0
	tk.words = append(tk.words, w)
	tk.lows = append(tk.lows, int32(len(tk.low)))
}

// trimPunct is strings.Trim(f, "'’-&") for valid UTF-8.
func trimPunct(f string) string {
	for {
		switch {
		case f == "":
			return f
		case f[0] == '\'' || f[0] == '-' || f[0] == '&':
			f = f[1:]
		case strings.HasPrefix(f, "’"):
			f = f[len("’"):]
		default:
			goto right
		}
	}
right:
	for {
		switch {
		case f == "":
			return f
		case f[len(f)-1] == '\'' || f[len(f)-1] == '-' || f[len(f)-1] == '&':
			f = f[:len(f)-1]
		case strings.HasSuffix(f, "’"):
			f = f[:len(f)-len("’")]
		default:
			return f
		}
	}
}

// apostrophe is strings.IndexAny(f, "'’") for valid UTF-8, looking only at
// the first bytes, where an elision can be.
func apostrophe(f string) int {
	for i := 0; i < len(f) && i <= 5; i++ {
		if f[i] == '\'' || strings.HasPrefix(f[i:], "’") {
			return i
		}
	}
	return -1
}

// appendLower appends strings.ToLower(s) to dst (s is valid UTF-8).
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// finish fills in the words added and returns them; call it once. Each
// distinct key gets a number (word.id) from 0 to nkeys-1.
func (tk *tokenizer) finish() []word {
	low := string(tk.low)
	if tk.keyID == nil {
		tk.keyID = make(map[string]int32, len(tk.words))
	}
	start := 0
	for i := range tk.words {
		w := &tk.words[i]
		end := int(tk.lows[i])
		w.lower = low[start:end]
		start = end
		key := truncate(w.lower, keyLen)
		w.stop = len(w.lower) <= maxStopLen && stopwords[w.lower]
		w.runes = int32(utf8.RuneCountInString(w.lower))
		w.cont = !w.stop && (w.num || w.runes >= 3)
		id, ok := tk.keyID[key]
		if !ok {
			id = int32(tk.nkeys)
			tk.nkeys++
			tk.keyID[key] = id
		}
		w.id = id
	}
	return tk.words
}

func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// content reports whether a word carries meaning for scoring.
func (w word) content() bool {
	return w.cont
}

var elided = set("l", "dell", "nell", "all", "dall", "sull", "coll", "d", "un", "quest", "quell", "c", "s", "m", "t", "v", "n", "tutt", "senz", "dov", "com", "anch", "qual", "cos", "bell", "sant")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// maxStopLen is the length of the longest stopword, in bytes: longer
// words need no lookup.
var maxStopLen = func() int {
	n := 0
	for w := range stopwords {
		n = max(n, len(w))
	}
	return n
}()

// stopwords holds Italian and English function words and reporting verbs
// that say nothing about an article's subject. Written for this package.
var stopwords = set(
	// Italian: articles, prepositions, pronouns, conjunctions, auxiliaries, adverbs.
	"il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "di", "a", "da", "in", "con",
	"su", "per", "tra", "fra", "del", "dello", "della", "dei", "degli", "delle", "al", "allo",
	"alla", "ai", "agli", "alle", "dal", "dallo", "dalla", "dai", "dagli", "dalle", "nel",
	"nello", "nella", "nei", "negli", "nelle", "sul", "sullo", "sulla", "sui", "sugli",
	"sulle", "col", "coi", "e", "ed", "o", "od", "ma", "però", "anche", "pure", "né", "se",
	"che", "chi", "cui", "non", "più", "meno", "come", "dove", "quando", "perché", "poi",
	"già", "ancora", "sempre", "mai", "molto", "molti", "molte", "molta", "poco", "tutto",
	"tutti", "tutte", "tutta", "ogni", "altro", "altri", "altre", "altra", "stesso", "stessa",
	"questo", "questa", "questi", "queste", "quello", "quella", "quelli", "quelle", "quel",
	"quei", "suo", "sua", "suoi", "sue", "loro", "mio", "mia", "tuo", "nostro", "nostra",
	"vostro", "io", "tu", "lui", "lei", "noi", "voi", "esso", "essa", "essi", "mi", "ti",
	"si", "ci", "vi", "ne", "è", "e'", "era", "sono", "sia", "siano", "essere", "stato",
	"stata", "stati", "state", "sarà", "saranno", "sarebbe", "ha", "hanno", "ho", "hai",
	"abbiamo", "avere", "aveva", "avevano", "avrà", "avrebbe", "avuto", "fa", "fanno",
	"fare", "fatto", "può", "possono", "potrebbe", "potrebbero", "deve", "devono",
	"dovrebbe", "viene", "vengono", "venne", "così", "quindi", "dunque", "infatti",
	"inoltre", "invece", "mentre", "oltre", "dopo", "prima", "durante", "secondo", "circa",
	"sotto", "sopra", "verso", "senza", "contro", "presso", "qui", "qua", "lì", "là",
	"oggi", "ieri", "domani", "ora", "adesso", "solo", "soltanto", "proprio", "ossia",
	"ovvero", "cioè", "tra", "nonché", "anzi", "qualche", "alcuni", "alcune", "alcuna",
	"alcun", "nessuno", "nessuna", "tale", "tali", "tanto", "tanta", "tanti", "troppo",
	"ecco", "sì", "no", "detto", "dice", "dichiarato", "spiega", "afferma", "riferisce",
	"sottolinea", "nota", "anni", "anno", "volta", "parte", "modo", "caso", "cosa", "cose",
	"quale", "quali", "dell", "nell", "all", "dall", "sull", "d", "l", "c", "s", "un'",
	"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
	// English
	"the", "a", "an", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
	"with", "from", "into", "onto", "about", "as", "than", "then", "so", "if", "because",
	"while", "though", "although", "after", "before", "during", "since", "until", "over",
	"under", "between", "among", "through", "against", "without", "within", "up", "down",
	"out", "off", "per", "via", "is", "are", "was", "were", "be", "been", "being", "am",
	"has", "have", "had", "having", "do", "does", "did", "done", "will", "would", "shall",
	"should", "can", "could", "may", "might", "must", "it", "its", "it's", "he", "she",
	"they", "them", "their", "theirs", "his", "her", "hers", "him", "we", "us", "our",
	"you", "your", "i", "me", "my", "this", "that", "these", "those", "which", "who",
	"whom", "whose", "what", "when", "where", "why", "how", "all", "any", "both", "each",
	"few", "more", "most", "other", "others", "some", "such", "no", "not", "only", "own",
	"same", "too", "very", "just", "also", "now", "there", "here", "said", "says", "say",
	"told", "according", "year", "years", "one", "new", "last", "first", "week", "today",
	"yesterday", "tomorrow", "however", "many", "much", "well", "still", "even", "being",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr",
	"mrs", "ms", "dr", "around", "including", "another", "again", "made", "make", "like",
)

// IsStopword reports whether w (lower case) is one of the Italian or
// English function words the summariser ignores.
func IsStopword(w string) bool { return stopwords[w] }
