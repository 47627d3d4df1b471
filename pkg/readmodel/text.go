package readmodel

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/italian"
)

// stemmers are the Snowball stemmers of the languages briefs are written
// in, the same algorithms as PostgreSQL's italian and english text search
// configurations. A language without one is matched word for word.
var stemmers = map[string]func(*snowballstem.Env) bool{
	"it": italian.Stem,
	"en": english.Stem,
}

// stopwords are left out of queries (as PostgreSQL's plainto_tsquery does),
// so "il mercato" finds a brief that says "mercati".
var stopwords = map[string]map[string]bool{
	"it": set("il lo la i gli le un uno una di a da in con su per tra fra e ed o che del dello della dei degli delle al allo alla ai agli alle dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle è non si come più anche ma se"),
	"en": set("the a an of to in on at by for with and or but is are was were be been it its this that these those as from into than then so not no"),
}

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
	for i, w := range ws {
		ws[i] = stemWord(lang, w)
	}
	return ws
}

func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stemWord stems one lower-case word in lang (as written when lang has no
// stemmer).
func stemWord(lang, w string) string {
	if len(w) > maxTerm {
		w = w[:maxTerm]
		for !utf8.ValidString(w) {
			w = w[:len(w)-1]
		}
	}
	stem := stemmers[lang]
	if stem == nil {
		return w
	}
	return stems[lang].get(stem, w)
}

// stemCache remembers one language's stems: word frequencies follow
// Zipf's law, so most words of a brief were stemmed before, and stemming
// is the projection's largest cost after SQLite itself. It is read far
// more than written, from several goroutines (see prepare), hence a
// sync.Map; it starts again empty when full.
type stemCache struct {
	m atomic.Pointer[sync.Map]
	n atomic.Int64
}

const stemCacheMax = 100_000

var stems = func() map[string]*stemCache {
	m := map[string]*stemCache{}
	for lang := range stemmers {
		c := &stemCache{}
		c.m.Store(&sync.Map{})
		m[lang] = c
	}
	return m
}()

func (c *stemCache) get(stem func(*snowballstem.Env) bool, w string) string {
	m := c.m.Load()
	if s, ok := m.Load(w); ok {
		return s.(string)
	}
	env := snowballstem.NewEnv(w)
	stem(env)
	s := env.Current()
	if c.n.Add(1) > stemCacheMax {
		c.n.Store(0)
		m = &sync.Map{}
		c.m.Store(m)
	}
	m.Store(w, s)
	return s
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

// queryAlternatives returns how q reads in each language ("it", "en", and
// "xx" for briefs in a language without a stemmer), or only in lang when
// it is set: the stemmed words without stopwords, all of which a brief in
// that language must contain. A language in which q has no words is left
// out.
func queryAlternatives(lang, q string) map[string][]string {
	langs := []string{"it", "en", "xx"}
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
