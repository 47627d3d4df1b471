package service

import (
	"encoding/json"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// SubmissionJSON encodes a prepared article as the Submission JSON that
// news.submitted carries.
func SubmissionJSON(a news.Article) ([]byte, error) {
	s := news.Submission{Title: a.Title, Body: a.Body, URL: a.URL, Source: a.Source, Language: a.LanguageHint}
	if a.PublishedAt != nil {
		s.PublishedAt = a.PublishedAt.UTC().Format(time.RFC3339)
	}
	return json.Marshal(s)
}
