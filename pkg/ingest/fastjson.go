package ingest

import (
	"bytes"
	"strconv"
	"unicode/utf8"

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
func fastSubmission(data []byte) (s news.Submission, ok bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return s, false
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return s, skipWS(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return s, false
		}
		// Keys: only the exact field names, which need no unescaping.
		end := i + 1
		for end < len(data) && data[end] != '"' && data[end] != '\\' {
			end++
		}
		if end >= len(data) || data[end] != '"' {
			return s, false
		}
		key := data[i+1 : end]
		i = skipWS(data, end+1)
		if i >= len(data) || data[i] != ':' {
			return s, false
		}
		i = skipWS(data, i+1)
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
			switch {
			case bytes.HasPrefix(data[i:], []byte("true")):
				s.HTML, i = true, i+4
			case bytes.HasPrefix(data[i:], []byte("false")):
				s.HTML, i = false, i+5
			default:
				return s, false
			}
		default:
			return s, false
		}
		if field != nil {
			v, next, ok := jsonString(data, i)
			if !ok {
				return s, false
			}
			*field, i = v, next
		}
		i = skipWS(data, i)
		if i >= len(data) {
			return s, false
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return s, skipWS(data, i+1) == len(data)
		default:
			return s, false
		}
	}
}

// skipWS skips JSON whitespace.
func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// jsonString decodes the JSON string starting at data[i] (a quote) and
// returns it and the index after its closing quote.
func jsonString(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", 0, false
	}
	i++
	start := i
	for i < len(data) && data[i] != '"' && data[i] != '\\' && data[i] >= 0x20 {
		i++
	}
	if i < len(data) && data[i] == '"' {
		return string(data[start:i]), i + 1, true // no escapes: one copy
	}
	b := make([]byte, 0, len(data)-start)
	b = append(b, data[start:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return string(b), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(data) {
			return "", 0, false
		}
		switch data[i+1] {
		case '"', '\\', '/':
			b = append(b, data[i+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if i+6 > len(data) {
				return "", 0, false
			}
			r, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 32)
			if err != nil || (r >= 0xD800 && r < 0xE000) {
				return "", 0, false // surrogates: left to encoding/json
			}
			b = utf8.AppendRune(b, rune(r))
			i += 6
			continue
		default:
			return "", 0, false
		}
		i += 2
	}
	return "", 0, false
}
