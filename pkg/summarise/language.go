package summarise

import "slices"

// wordLanguages are the languages of the summariser's stop words and topic
// words (words.go, topics.go hold both languages together): the keys of the
// registry's Language.StopWords and TopicWords (pkg/language).
var wordLanguages = []string{"it", "en"}

// HasStopWords reports whether the stop-word list covers the language key.
func HasStopWords(key string) bool { return slices.Contains(wordLanguages, key) }

// HasTopicWords reports whether the topic taxonomy has words in the
// language key.
func HasTopicWords(key string) bool { return slices.Contains(wordLanguages, key) }
