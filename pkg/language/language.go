// Package language is the registry of the languages newsbrief briefs: each
// supported language is declared here once, with the resources every stage
// needs for it. Packages read a language's properties from the registry
// (decimal comma, date order, which tagger model, the display locale of
// entity names) instead of switching on codes themselves, and the service
// checks at start-up that each configured language has all its resources:
// a language without them is an error naming what is missing, never a
// silent fall-back to another language's processing.
//
// Adding a language is one entry in registry plus its data files (see
// docs/languages.md).
package language

import (
	"errors"
	"fmt"
	"strings"
)

// Language is one supported language and the keys of its resources. A key
// names the resource in the package that holds it; the package's Has
// function (see Resource) says whether it has it.
type Language struct {
	// Code is the ISO 639-1 code: detected, stored on articles and briefs.
	Code string
	// Name is the language's own name, for display ("Italiano").
	Name string
	// Detector is the detector's code for the language (pkg/langdetect).
	Detector string
	// Tagger is the entity tagger model (pkg/entities).
	Tagger string
	// Amounts is the lexicon of number, scale, currency, month and
	// weekday words (pkg/amount).
	Amounts string
	// Sentences is the sentence splitter's abbreviation list (pkg/sentence).
	Sentences string
	// StopWords and TopicWords are the summariser's word lists (pkg/summarise).
	StopWords, TopicWords string
	// Display is the locale of entity names in a brief (the knowledge
	// base's name column).
	Display string
	// Search is the full-text search configuration of the read model: the
	// Snowball stemmer and stop words of the embedded store and the
	// PostgreSQL text search configuration of the same name (pkg/readmodel).
	Search string

	// DecimalComma: numbers write "1,5" for one and a half and "1.400" for
	// fourteen hundred (Italian); else the other way (English).
	DecimalComma bool
	// MonthFirst: numeric dates are mm/dd/yyyy (US English); else dd/mm/yyyy.
	MonthFirst bool
	// NameArticle is a word the language's names do not start with for the
	// tagger's document pass (English "the": "The Huffington Post" →
	// "Huffington Post"); empty for none.
	NameArticle string
	// JoinsHyphens: in labelled files that split hyphenated words, the
	// tagger joins them again (English only: it cost Italian 0.009 F1).
	JoinsHyphens bool
}

// registry is every supported language. Keep it small and true: an entry
// promises each resource below exists.
var registry = []Language{
	{Code: "it", Name: "Italiano", Detector: "it", Tagger: "it", Amounts: "it", Sentences: "it",
		StopWords: "it", TopicWords: "it", Display: "it", Search: "italian", DecimalComma: true},
	{Code: "en", Name: "English", Detector: "en", Tagger: "en", Amounts: "en", Sentences: "en",
		StopWords: "en", TopicWords: "en", Display: "en", Search: "english", MonthFirst: true, NameArticle: "the", JoinsHyphens: true},
}

// Normalise reduces a language tag to its primary subtag in lower case:
// "it-IT" → "it", " EN " → "en".
func Normalise(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	return code
}

// Get returns the registry entry of a code ("it", "en-GB").
func Get(code string) (Language, bool) {
	c := Normalise(code)
	for _, l := range registry {
		if l.Code == c {
			return l, true
		}
	}
	return Language{}, false
}

// Codes returns the codes of every registered language, in registry order.
func Codes() []string {
	out := make([]string, len(registry))
	for i, l := range registry {
		out[i] = l.Code
	}
	return out
}

// Resource is one kind of resource a language needs and how to check that
// a package has it: Key picks the language's key for it, Has reports
// whether the package holding it has that key.
type Resource struct {
	Name string // e.g. "tagger model (pkg/entities)"
	Key  func(Language) string
	Has  func(key string) bool
}

// ErrUnsupported is returned by Check for a language that is not in the
// registry or lacks a resource.
var ErrUnsupported = errors.New("language: unsupported language")

// Check reports every configured language that is not registered or lacks
// a resource, all at once, naming what is missing.
func Check(codes []string, resources []Resource) error {
	var errs []error
	for _, c := range codes {
		l, ok := Get(c)
		if !ok {
			errs = append(errs, fmt.Errorf("%w %q: not in the registry (pkg/language; registered: %s); it needs a detector code, a tagger model, an amount lexicon, sentence abbreviations, stop words, topic words and a display locale, see docs/languages.md",
				ErrUnsupported, c, strings.Join(Codes(), ", ")))
			continue
		}
		var missing []string
		for _, r := range resources {
			key := r.Key(l)
			if key == "" || !r.Has(key) {
				missing = append(missing, fmt.Sprintf("%s %q", r.Name, key))
			}
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("%w %q: missing %s", ErrUnsupported, c, strings.Join(missing, ", ")))
		}
	}
	return errors.Join(errs...)
}
