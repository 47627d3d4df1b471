package ingest

import (
	"github.com/newsbrief/newsbrief/pkg/internal/wirejson"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// fastSubmission decodes the common shape of a JSON submission, one flat
// object of known fields with string values (and html true or false), in
// one pass over data, which must be valid UTF-8. It declines (ok false)
// anything else: other keys or spellings of them, null, numbers, nesting,
// surrogate escapes, control characters, trailing data. decodeJSON then
// uses encoding/json, whose result this one equals whenever it accepts
// (FuzzFastSubmission). encoding/json's Decoder scans the data twice and
// copies it into its own buffer: a third of the gateway's Prepare.
// A key given twice needs no care: every field is a string or a bool, which
// encoding/json overwrites too.
func fastSubmission(data []byte) (s news.Submission, ok bool) {
	r := wirejson.New(data)
	r.Object(func(key []byte) {
		var field *string
		switch string(key) {
		case "title":
			field = &s.Title
		case "body":
			field = &s.Body
		case "url":
			field = &s.URL
		case "source":
			field = &s.Source
		case "published_at":
			field = &s.PublishedAt
		case "language":
			field = &s.Language
		case "html":
			s.HTML = r.Bool()
			return
		default:
			r.Decline()
			return
		}
		*field = r.String()
	})
	return s, r.End()
}
