package sentence

import "slices"

// abbreviationLanguages are the languages whose abbreviations the splitter
// knows (both lists are always active, see Split): the keys of the
// registry's Language.Sentences (pkg/language).
var abbreviationLanguages = []string{"it", "en"}

// HasAbbreviations reports whether the splitter knows the abbreviations of
// the language key.
func HasAbbreviations(key string) bool { return slices.Contains(abbreviationLanguages, key) }
