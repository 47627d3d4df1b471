package amount

import "slices"

// lexiconLanguages are the languages whose number, scale, currency, month
// and weekday words the lexicon holds (lexicon.go): the keys of the
// registry's Language.Amounts (pkg/language).
var lexiconLanguages = []string{"it", "en"}

// HasLexicon reports whether the lexicon covers the language key.
func HasLexicon(key string) bool { return slices.Contains(lexiconLanguages, key) }
