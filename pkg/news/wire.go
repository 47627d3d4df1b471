package news

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/internal/wirejson"
)

// The decoders below are what the stages use on every hop. They read the
// JSON the pipeline writes in one pass and hand anything else (unknown or
// differently spelt keys, a key twice, nulls where a value is expected,
// escapes in keys, invalid UTF-8) to encoding/json, so they accept and
// produce exactly what json.Unmarshal does (FuzzWire checks it): only faster,
// ≈ 4× on the seed article (BenchmarkUnmarshalExtracted; issue #7).

// UnmarshalArticle decodes an Article, as json.Unmarshal would.
// Like the others, it sets *a to what json.Unmarshal would make of data
// given a zero Article.
func UnmarshalArticle(data []byte, a *Article) error { return unmarshal(data, a, readArticle) }

// UnmarshalExtracted decodes an Extracted, as json.Unmarshal would.
func UnmarshalExtracted(data []byte, x *Extracted) error {
	return unmarshal(data, x, readExtracted)
}

// BriefHead is the part of a brief the recorder reads to file it.
type BriefHead struct {
	ID       string `json:"id"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	// Title and Body are what the id is the hash of (CheckID).
	Title string `json:"title"`
	Body  string `json:"body"`
}

// UnmarshalBriefHead reads a brief's id, language, title and body, checking the rest is
// JSON without building it, as json.Unmarshal into a BriefHead would.
func UnmarshalBriefHead(data []byte, h *BriefHead) error {
	return unmarshal(data, h, readBriefHead)
}

// unmarshal is the fast reader, else encoding/json.
func unmarshal[T any](data []byte, v *T, read func(*wirejson.Reader, *T)) error {
	if fast, ok := fastRead(data, read); ok {
		*v = fast
		return nil
	}
	return json.Unmarshal(data, v)
}

// fastRead reads data with read, reporting whether it took all of it.
func fastRead[T any](data []byte, read func(*wirejson.Reader, *T)) (v T, ok bool) {
	if !utf8.Valid(data) {
		return v, false
	}
	r := wirejson.New(data)
	read(r, &v)
	return v, r.End()
}

func readBriefHead(r *wirejson.Reader, h *BriefHead) {
	var seen uint8
	r.Object(func(key []byte) {
		switch string(key) {
		case "id":
			once(r, &seen, 1)
			h.ID = r.String()
		case "language":
			once(r, &seen, 2)
			var inner uint8
			r.Object(func(key []byte) {
				if string(key) == "code" {
					once(r, &inner, 1)
					h.Language.Code = r.String()
					return
				}
				skipOther(r, key, "code")
			})
		case "title":
			once(r, &seen, 4)
			h.Title = r.String()
		case "body":
			once(r, &seen, 8)
			h.Body = r.String()
		default:
			skipOther(r, key, "id", "language", "title", "body")
		}
	})
}

// once declines a key seen before in the same object: encoding/json would
// merge the two values into pointers and reuse slices, which the readers do
// not copy.
func once(r *wirejson.Reader, seen *uint8, bit uint8) {
	if *seen&bit != 0 {
		r.Decline()
	}
	*seen |= bit
}

// skipOther skips the value of a key the caller does not read, declining
// keys that encoding/json would match to a field anyway (it folds case) or
// that are not plain ASCII (which it could fold too).
func skipOther(r *wirejson.Reader, key []byte, fields ...string) {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			r.Decline()
			return
		}
	}
	for _, f := range fields {
		if strings.EqualFold(string(key), f) {
			r.Decline()
			return
		}
	}
	r.Skip()
}

func readTime(r *wirejson.Reader, t *time.Time) {
	raw := r.RawString()
	if !r.OK() {
		return
	}
	if err := t.UnmarshalJSON(raw); err != nil {
		r.Decline()
	}
}

func readArticle(r *wirejson.Reader, a *Article) {
	var seen uint16
	r.Object(func(key []byte) {
		bit, field := uint16(0), (*string)(nil)
		switch string(key) {
		case "id":
			bit, field = 1, &a.ID
		case "title":
			bit, field = 2, &a.Title
		case "body":
			bit, field = 4, &a.Body
		case "url":
			bit, field = 8, &a.URL
		case "source":
			bit, field = 16, &a.Source
		case "language_hint":
			bit, field = 32, &a.LanguageHint
		case "published_at":
			bit = 64
			if !r.Null() {
				a.PublishedAt = new(time.Time)
				readTime(r, a.PublishedAt)
			}
		case "language":
			bit = 128
			if !r.Null() {
				a.Language = new(Language)
				readLanguage(r, a.Language)
			}
		case "submitted_at":
			bit = 256
			readTime(r, &a.SubmittedAt)
		case "author":
			bit, field = 512, &a.Author
		case "dateline":
			bit, field = 1024, &a.Dateline
		default:
			r.Decline()
			return
		}
		if seen&bit != 0 {
			r.Decline()
		}
		seen |= bit
		if field != nil {
			*field = r.String()
		}
	})
}

func readLanguage(r *wirejson.Reader, l *Language) {
	var seen uint8
	r.Object(func(key []byte) {
		switch string(key) {
		case "code":
			once(r, &seen, 1)
			l.Code = r.String()
		case "confidence":
			once(r, &seen, 2)
			l.Confidence = r.Float()
		default:
			r.Decline()
		}
	})
}

func readExtracted(r *wirejson.Reader, x *Extracted) {
	var seen uint8
	r.Object(func(key []byte) {
		switch string(key) {
		case "article":
			once(r, &seen, 1)
			readArticle(r, &x.Article)
		case "entities":
			once(r, &seen, 2)
			if r.Null() {
				return
			}
			x.Entities = []Entity{}
			r.Array(func() {
				x.Entities = append(x.Entities, Entity{})
				readEntity(r, &x.Entities[len(x.Entities)-1])
			})
		case "method":
			once(r, &seen, 4)
			x.Method = r.String()
		default:
			r.Decline()
		}
	})
}

func readEntity(r *wirejson.Reader, e *Entity) {
	var seen uint16
	r.Object(func(key []byte) {
		bit, field := uint16(0), (*string)(nil)
		switch string(key) {
		case "name":
			bit, field = 1, &e.Name
		case "type":
			bit, field = 2, &e.Type
		case "currency":
			bit, field = 4, &e.Currency
		case "unit":
			bit, field = 8, &e.Unit
		case "qualifier":
			bit, field = 16, &e.Qualifier
		case "iso":
			bit, field = 32, &e.ISO
		case "id":
			bit, field = 1024, &e.ID
		case "names":
			bit = 2048
			if seen&bit != 0 || r.Null() {
				break
			}
			// encoding/json makes a map on "{" (even "{}") and lets a
			// repeated key overwrite; a null value is declined.
			e.Names = map[string]string{}
			r.Object(func(key []byte) {
				if r.Null() {
					r.Decline()
					return
				}
				e.Names[string(key)] = r.String()
			})
		case "value":
			bit = 64
			if !r.Null() {
				v := r.Float()
				e.Value = &v
			}
		case "approximate":
			bit = 128
			e.Approximate = r.Bool()
		case "count":
			bit = 256
			e.Count = r.Int()
		case "mentions":
			bit = 512
			if r.Null() {
				break
			}
			e.Mentions = []Mention{}
			r.Array(func() {
				var m Mention
				var seen uint8
				r.Object(func(key []byte) {
					switch string(key) {
					case "start":
						once(r, &seen, 1)
						m.Start = r.Int()
					case "end":
						once(r, &seen, 2)
						m.End = r.Int()
					default:
						r.Decline()
					}
				})
				e.Mentions = append(e.Mentions, m)
			})
		default:
			r.Decline()
			return
		}
		if seen&bit != 0 {
			r.Decline()
		}
		seen |= bit
		if field != nil {
			*field = r.String()
		}
	})
}
