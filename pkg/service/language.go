package service

import (
	"github.com/newsbrief/newsbrief/pkg/amount"
	"github.com/newsbrief/newsbrief/pkg/entities"
	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/sentence"
	"github.com/newsbrief/newsbrief/pkg/summarise"
)

// LanguageResources are the resources every configured language must have
// (pkg/language), each checked against the package that holds it.
var LanguageResources = []language.Resource{
	{Name: "detector code (pkg/langdetect)", Key: func(l language.Language) string { return l.Detector }, Has: langdetect.Known},
	{Name: "tagger model (pkg/entities)", Key: func(l language.Language) string { return l.Tagger }, Has: entities.HasTagger},
	{Name: "amount lexicon (pkg/amount)", Key: func(l language.Language) string { return l.Amounts }, Has: amount.HasLexicon},
	{Name: "sentence abbreviations (pkg/sentence)", Key: func(l language.Language) string { return l.Sentences }, Has: sentence.HasAbbreviations},
	{Name: "stop words (pkg/summarise)", Key: func(l language.Language) string { return l.StopWords }, Has: summarise.HasStopWords},
	{Name: "topic words (pkg/summarise)", Key: func(l language.Language) string { return l.TopicWords }, Has: summarise.HasTopicWords},
	{Name: "full-text search configuration (pkg/readmodel)", Key: func(l language.Language) string { return l.Search }, Has: readmodel.HasSearch},
	{Name: "display locale of entity names (pkg/entities)", Key: func(l language.Language) string { return l.Display }, Has: entities.HasDisplay},
}
