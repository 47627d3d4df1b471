package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// MaxJSONDepth bounds the nesting of a JSON submission. A Submission is a flat
// object, so anything deeper is wrong anyway; the bound stops a small body of
// brackets from costing the decoder much.
const MaxJSONDepth = 16

// Decode turns a submitted body into a news.Submission.
//
// contentType is the request's Content-Type and may be empty:
//   - application/json (or any +json type): a JSON news.Submission, decoded
//     strictly: unknown fields, fields of the wrong type, trailing data and
//     nesting deeper than MaxJSONDepth are ErrMalformed. Body or URL must be
//     set, otherwise ErrEmpty.
//   - text/html, application/xhtml+xml: an HTML page; the Submission has
//     HTML set and Normalise extracts the article from it.
//   - text/plain and other text types: the body is the article text.
//   - empty, application/octet-stream or an unknown type: the content is
//     sniffed: JSON if the first non-space byte is '{', HTML if it starts
//     like an HTML document, plain text otherwise.
//
// Text and HTML are converted to UTF-8 from the charset parameter (for HTML
// also a <meta charset>). Text without a charset (or said to be UTF-8) that
// is not valid UTF-8 is decided by evidence: when its well-formed multi-byte
// UTF-8 sequences outnumber its invalid bytes it is UTF-8, and each invalid
// byte run becomes U+FFFD; otherwise, if it has no NUL bytes and reads as
// Latin-1 text (for example Italian "perché" saved
// as ISO-8859-1) is converted from Windows-1252, the superset of ISO-8859-1
// that browsers use; otherwise it is ErrInvalidUTF8. A UTF-8 byte order mark
// is dropped and UTF-16 with a byte order mark is converted.
//
// Binary content (NUL bytes, PNG, JPEG, GIF, gzip, zip, PDF and similar
// signatures) is ErrBinary. A body longer than maxBytes, before or after
// conversion, is ErrTooLarge; maxBytes <= 0 means DefaultMaxBytes.
func Decode(data []byte, contentType string, maxBytes int) (news.Submission, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if len(data) > maxBytes {
		return news.Submission{}, tooLarge(len(data), maxBytes)
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType, params = "", nil
	}
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))

	// A byte order mark says more about the encoding than any header.
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data, cs = data[3:], "utf-8"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		u, err := dec.Bytes(data)
		if err != nil {
			return news.Submission{}, fmt.Errorf("%w: the UTF-16 text cannot be decoded", ErrInvalidUTF8)
		}
		data, cs = u, "utf-8"
	}

	if kind := binaryKind(data); kind != "" {
		return news.Submission{}, fmt.Errorf("%w: the content looks like %s; send the article as text, HTML or JSON", ErrBinary, kind)
	}

	switch kind := classify(mediaType, data); kind {
	case kindJSON:
		return decodeJSON(data)
	case kindHTML:
		if cs == "" && !utf8.Valid(data) {
			// No charset in the header: look for <meta charset>, which
			// falls back to Windows-1252 as browsers do.
			if _, name, _ := charset.DetermineEncoding(data, "text/html"); name != "utf-8" {
				cs = name
			}
		}
		text, err := toUTF8(data, cs, maxBytes)
		if err != nil {
			return news.Submission{}, err
		}
		return news.Submission{Body: text, HTML: true}, nil
	default:
		text, err := toUTF8(data, cs, maxBytes)
		if err != nil {
			return news.Submission{}, err
		}
		return news.Submission{Body: text}, nil
	}
}

type contentKind int

const (
	kindText contentKind = iota
	kindJSON
	kindHTML
)

// classify decides how to read the body from its media type, sniffing when
// the type says nothing useful.
func classify(mediaType string, data []byte) contentKind {
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		return kindJSON
	case mediaType == "text/html" || mediaType == "application/xhtml+xml":
		return kindHTML
	case strings.HasPrefix(mediaType, "text/"):
		return kindText
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\f")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return kindJSON
	}
	if looksHTML(trimmed) {
		return kindHTML
	}
	return kindText
}

// looksHTML reports whether data starts like an HTML document.
func looksHTML(data []byte) bool {
	if strings.HasPrefix(http.DetectContentType(data), "text/html") {
		return true
	}
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	lower := bytes.ToLower(head)
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<article"} {
		if bytes.HasPrefix(lower, []byte(tag)) {
			return true
		}
	}
	return false
}

// signatures are the leading bytes of common binary formats, with a name a
// user will recognise.
var signatures = []struct {
	magic string
	name  string
}{
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"RIFF", "a RIFF file (WebP image or audio)"},
	{"\x1f\x8b", "gzip-compressed data"},
	{"PK\x03\x04", "a zip archive (or a Word/OpenDocument file)"},
	{"PK\x05\x06", "a zip archive"},
	{"%PDF-", "a PDF document"},
	{"BZh", "bzip2-compressed data"},
	{"\xfd7zXZ\x00", "xz-compressed data"},
	{"7z\xbc\xaf\x27\x1c", "a 7-zip archive"},
	{"\x28\xb5\x2f\xfd", "zstd-compressed data"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"},
	{"\x7fELF", "an executable"},
	{"MZ\x90\x00", "a Windows executable"},
	{"\x00\x00\x01\x00", "an icon"},
	{"OggS", "an Ogg media file"},
	{"ID3", "an MP3 file"},
}

// binaryKind names the binary format data is in, or returns "" for text.
func binaryKind(data []byte) string {
	for _, s := range signatures {
		if bytes.HasPrefix(data, []byte(s.magic)) {
			// "BZh" and "ID3" could start a sentence; require a non-text
			// byte soon after for the short signatures.
			if len(s.magic) <= 3 && s.magic[0] >= 0x20 && s.magic[0] < 0x7f && !hasControl(data[:min(len(data), 64)]) {
				continue
			}
			return s.name
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "binary data (it contains NUL bytes)"
	}
	return ""
}

// hasControl reports whether b holds a C0 control byte other than
// whitespace.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			return true
		}
	}
	return false
}

// toUTF8 converts text in charset cs ("" when unknown) to UTF-8.
func toUTF8(data []byte, cs string, maxBytes int) (string, error) {
	var enc encoding.Encoding
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(data) {
			return string(data), nil
		}
		if mostlyUTF8(data) {
			// A few stray bytes in UTF-8 text: keep the text, replace them.
			return string(bytes.ToValidUTF8(data, []byte("\uFFFD"))), nil
		}
		if !looksLatin1(data) {
			return "", fmt.Errorf("%w: the text is not valid UTF-8 and does not read as Latin-1 either; save it as UTF-8", ErrInvalidUTF8)
		}
		enc = charmap.Windows1252
	default:
		e, _ := charset.Lookup(cs)
		if e == nil {
			return "", fmt.Errorf("%w: unknown charset %q", ErrMalformed, cs)
		}
		enc = e
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%w: the text cannot be read as %s: %v", ErrInvalidUTF8, cs, err)
	}
	if len(out) > maxBytes {
		return "", tooLarge(len(out), maxBytes)
	}
	if !utf8.Valid(out) {
		return "", fmt.Errorf("%w: the text cannot be converted to UTF-8", ErrInvalidUTF8)
	}
	return string(out), nil
}

// mostlyUTF8 weighs the evidence in data, which is not valid UTF-8: it
// counts the well-formed multi-byte UTF-8 sequences and the bytes that
// cannot start or continue one. Latin-1 text almost never forms a valid
// multi-byte sequence ("é" is one byte followed by ASCII), so text where
// valid sequences outnumber the bad bytes is UTF-8 with some damage, not
// Latin-1 (issue #13: a few bad bytes made a whole brief mojibake).
func mostlyUTF8(data []byte) bool {
	valid, bad := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			valid++
		}
		i += n
	}
	return valid > bad
}

// looksLatin1 reports whether data, which is not valid UTF-8, reads as
// Windows-1252 text: no control bytes other than whitespace, no bytes
// Windows-1252 leaves undefined, and most bytes plain ASCII (accented
// letters are a minority in any Latin-script language).
func looksLatin1(data []byte) bool {
	high := 0
	for _, c := range data {
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			return false
		case c == 0x7f, c == 0x81, c == 0x8d, c == 0x8f, c == 0x90, c == 0x9d:
			return false
		case c >= 0x80:
			high++
		}
	}
	return high*4 <= len(data)
}

func tooLarge(n, limit int) error {
	return fmt.Errorf("%w: the article is %d bytes; the limit is %d bytes", ErrTooLarge, n, limit)
}

// decodeJSON decodes a JSON Submission strictly.
func decodeJSON(data []byte) (news.Submission, error) {
	if !utf8.Valid(data) {
		return news.Submission{}, fmt.Errorf("%w: JSON must be UTF-8", ErrInvalidUTF8)
	}
	s, ok := fastSubmission(data)
	if !ok {
		var err error
		if s, err = decodeJSONStrict(data); err != nil {
			return news.Submission{}, err
		}
	}
	if strings.TrimSpace(s.Body) == "" && strings.TrimSpace(s.URL) == "" {
		return news.Submission{}, fmt.Errorf("%w: the submission has neither \"body\" nor \"url\"; send one of them", ErrEmpty)
	}
	return s, nil
}

// decodeJSONStrict decodes any JSON submission with encoding/json, with
// the depth limit, no unknown fields and nothing after the object.
func decodeJSONStrict(data []byte) (news.Submission, error) {
	if err := checkDepth(data, MaxJSONDepth); err != nil {
		return news.Submission{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s news.Submission
	if err := dec.Decode(&s); err != nil {
		return news.Submission{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return news.Submission{}, fmt.Errorf("%w: unexpected data after the JSON object", ErrMalformed)
	}
	return s, nil
}

// jsonError rewrites an encoding/json error as ErrMalformed with a message
// that names the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%w: invalid JSON at byte %d: %s", ErrMalformed, syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Errorf("%w: the JSON body must be an object, not %s", ErrMalformed, jsonKind(typ.Value))
		}
		return fmt.Errorf("%w: field %q must be %s, not %s", ErrMalformed, typ.Field, goKind(typ.Type.Kind().String()), jsonKind(typ.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: the JSON body is incomplete", ErrMalformed)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%w: unknown field %s; known fields are title, body, url, source, published_at, language, html", ErrMalformed, strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "json: "))
}

func goKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	}
	return "a " + k
}

func jsonKind(v string) string {
	switch {
	case v == "object", v == "array":
		return "an " + v
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	if v == "bool" {
		return "true or false"
	}
	return "a " + v
}

// checkDepth rejects JSON nested deeper than max, scanning bytes without
// decoding.
func checkDepth(data []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return fmt.Errorf("%w: JSON nested deeper than %d levels", ErrMalformed, max)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}
