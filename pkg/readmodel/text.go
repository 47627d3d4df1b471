package readmodel

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/italian"

	"github.com/newsbrief/newsbrief/pkg/language"
)

// snowball are the Snowball stemmers by configuration name, the same
// algorithms as PostgreSQL's text search configurations of that name;
// configStopwords are their stop words, left out of queries (as
// PostgreSQL's plainto_tsquery does), so "il mercato" finds a brief that
// says "mercati".
var (
	snowball = map[string]func(*snowballstem.Env) bool{
		"italian": italian.Stem,
		"english": english.Stem,
	}
	configStopwords = map[string]map[string]bool{
		"italian": set("il lo la i gli le un uno una di a da in con su per tra fra e ed o che del dello della dei degli delle al allo alla ai agli alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle è non si come più anche ma se"),
		"english": set("the a an of to in on at by for with and or but is are was were be been it its this that these those as from into than then so not no"),
	}
)

// stemmers and stopwords are those of each registered language whose
// search configuration (pkg/language) the embedded store has, by language
// code; searchLangs lists those codes in registry order. A language
// without one is matched word for word.
var stemmers, stopwords, searchLangs = func() (map[string]func(*snowballstem.Env) bool, map[string]map[string]bool, []string) {
	st, sw := map[string]func(*snowballstem.Env) bool{}, map[string]map[string]bool{}
	var codes []string
	for _, c := range language.Codes() {
		l, _ := language.Get(c)
		if f := snowball[l.Search]; f != nil {
			st[c], sw[c] = f, configStopwords[l.Search]
			codes = append(codes, c)
		}
	}
	return st, sw, codes
}()

// HasSearch reports whether the read model can search text in the named
// configuration (a language.Resource check).
func HasSearch(config string) bool { return snowball[config] != nil }

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// maxTerm bounds a term's length in bytes: longer tokens (URLs, hashes) are
// not words anyone searches for.
const maxTerm = 64

// Terms splits text into lower-case words and stems each in lang. Indexed
// and query text go through the same function, so they meet.
func Terms(lang, text string) []string {
	ws := words(text)
	stemAll(lang, ws)
	return ws
}

func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// truncate bounds a word to maxTerm bytes, on a rune boundary.
func truncate(w string) string {
	if len(w) <= maxTerm {
		return w
	}
	w = w[:maxTerm]
	for !utf8.ValidString(w) {
		w = w[:len(w)-1]
	}
	return w
}

// stemWord stems one lower-case word in lang (as written when lang has no
// stemmer).
func stemWord(lang, w string) string {
	ws := []string{w}
	stemAll(lang, ws)
	return ws[0]
}

// stemCache remembers one language's stems: word frequencies follow
// Zipf's law, so most words of a brief were stemmed before, and stemming
// is the projection's largest cost after SQLite itself. Several goroutines
// read it (see prepare), a text's words under one read lock; it starts
// again empty when full.
type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

const stemCacheMax = 100_000

var stems = func() map[string]*stemCache {
	m := map[string]*stemCache{}
	for lang := range stemmers {
		m[lang] = &stemCache{m: map[string]string{}}
	}
	return m
}()

// stemAll replaces each word of ws by its stem in lang.
func stemAll(lang string, ws []string) {
	stem, c := stemmers[lang], stems[lang]
	for i, w := range ws {
		ws[i] = truncate(w)
	}
	if stem == nil {
		return
	}
	var miss []int
	c.mu.RLock()
	for i, w := range ws {
		if s, ok := c.m[w]; ok {
			ws[i] = s
		} else {
			miss = append(miss, i)
		}
	}
	c.mu.RUnlock()
	if len(miss) == 0 {
		return
	}
	words := make([]string, len(miss))
	for k, i := range miss {
		words[k] = ws[i]
		env := snowballstem.NewEnv(ws[i])
		stem(env)
		ws[i] = env.Current()
	}
	c.mu.Lock()
	if len(c.m)+len(miss) > stemCacheMax {
		clear(c.m)
	}
	for k, i := range miss {
		c.m[words[k]] = ws[i]
	}
	c.mu.Unlock()
}

// termLang is the language a brief's terms are indexed under: its own
// when it has a stemmer, else "xx" (words as written).
func termLang(lang string) string {
	if stemmers[lang] != nil {
		return lang
	}
	return "xx"
}

// indexTerms are the terms the embedded store indexes for text in lang:
// each stemmed word prefixed with the language ("it_invest"), so that a
// query read in Italian finds only Italian briefs and one read in English
// only English ones.
func indexTerms(lang, text string) []string {
	p := termLang(lang) + "_"
	terms := Terms(lang, text)
	for i, t := range terms {
		terms[i] = p + t
	}
	return terms
}

// queryAlternatives returns how q reads in each searchable language (and
// "xx" for briefs in a language without a stemmer), or only in lang when
// it is set: the stemmed words without stopwords, all of which a brief in
// that language must contain. A language in which q has no words is left
// out.
func queryAlternatives(lang, q string) map[string][]string {
	langs := append(append([]string(nil), searchLangs...), "xx")
	if lang != "" {
		langs = []string{termLang(lang)}
	}
	alts := map[string][]string{}
	for _, l := range langs {
		var terms []string
		for _, w := range words(q) {
			if stopwords[l][w] {
				continue
			}
			terms = append(terms, stemWord(l, w))
		}
		if len(terms) > 0 {
			alts[l] = terms
		}
	}
	return alts
}
