package summarise

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is one token of a sentence.
type word struct {
	surface string // as written, without surrounding punctuation
	lower   string
	key     string // lower-cased, elision removed, truncated: the matching key
	stop    bool
	cap     bool // starts with an upper-case letter
	num     bool // contains a digit
}

// keyLen is the prefix length used as a poor man's stem: in Italian and
// English the first six letters separate most content words while merging
// inflections (investimento/investimenti, announce/announced).
const keyLen = 6

// tokenize splits s into words. Elided articles and prepositions (l', dell',
// nell’, all') are split off and dropped, so "dell’intelligenza" matches
// "intelligenza".
func tokenize(s string) []word {
	var out []word
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-' && r != '&'
	}) {
		f = strings.Trim(f, "'’-&")
		if i := strings.IndexAny(f, "'’"); i > 0 && i <= 5 {
			if elided[strings.ToLower(f[:i])] {
				_, size := utf8.DecodeRuneInString(f[i:])
				f = f[i+size:]
			}
		}
		if f == "" {
			continue
		}
		lw := strings.ToLower(f)
		r, _ := utf8.DecodeRuneInString(f)
		w := word{surface: f, lower: lw, stop: stopwords[lw], cap: unicode.IsUpper(r)}
		w.num = strings.IndexFunc(f, unicode.IsDigit) >= 0
		w.key = truncate(lw, keyLen)
		if lw == "'s" || lw == "s" {
			continue
		}
		out = append(out, w)
	}
	return out
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
	return !w.stop && (w.num || utf8.RuneCountInString(w.lower) >= 3)
}

var elided = set("l", "dell", "nell", "all", "dall", "sull", "coll", "d", "un", "quest", "quell", "c", "s", "m", "t", "v", "n", "tutt", "senz", "dov", "com", "anch", "qual", "cos", "bell", "sant")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

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
