// Package wirejson reads, in one pass, the JSON of the messages the stages
// pass on, for the hot decoders of package news and package ingest.
//
// encoding/json validates a document with a byte-at-a-time state machine and
// then scans it again to decode (≈ 100 MB/s on an article's text); a reader
// that knows the shape it expects does both at once at ≈ 1 GB/s. It is
// deliberately narrow: a Reader declines (OK turns false and stays false)
// whatever needs more than the common case, such as keys with escapes,
// surrogate escapes, numbers in the wrong place or nesting beyond MaxDepth.
// Its callers then decode the same bytes with encoding/json, so what they
// accept and what they produce never differ from encoding/json: the fast
// path only has to be right when it says yes, which their fuzz tests check
// against encoding/json. (Writing is left to encoding/json: a hand-written
// encoder measured 1.4× faster on an article, 0.02 ms of 2.4 per article
// in the pipeline, not worth its code.)
//
// Input must be valid UTF-8 (check with utf8.Valid first): encoding/json
// replaces invalid bytes inside strings, a Reader does not look.
package wirejson

import (
	"bytes"
	"strconv"
	"strings"
)

// special marks the bytes that end a run of plain string content: the
// quote, the backslash and control characters.
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// MaxDepth bounds the nesting Skip follows.
const MaxDepth = 256

// Reader walks a JSON document. The zero value is not usable; call New.
type Reader struct {
	data []byte
	i    int
	ok   bool
}

// New returns a Reader at the start of data.
func New(data []byte) *Reader { return &Reader{data: data, ok: true} }

// OK reports whether everything read so far was read.
func (r *Reader) OK() bool { return r.ok }

// Decline marks the document as one for encoding/json.
func (r *Reader) Decline() { r.ok = false }

// End reports whether only whitespace is left (and nothing was declined).
func (r *Reader) End() bool {
	r.ws()
	return r.ok && r.i == len(r.data)
}

func (r *Reader) ws() {
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end or after a decline.
func (r *Reader) peek() byte {
	r.ws()
	if !r.ok || r.i >= len(r.data) {
		return 0
	}
	return r.data[r.i]
}

func (r *Reader) expect(c byte) {
	if r.peek() != c {
		r.ok = false
		return
	}
	r.i++
}

// Null consumes a null and reports whether there was one.
func (r *Reader) Null() bool {
	if r.peek() == 'n' && r.literal("null") {
		return true
	}
	return false
}

func (r *Reader) literal(lit string) bool {
	if len(r.data)-r.i < len(lit) || string(r.data[r.i:r.i+len(lit)]) != lit {
		return false
	}
	r.i += len(lit)
	return true
}

// Object reads an object, calling field for each key, which must read the
// key's value (or decline). Keys are handed over raw: a key with an escape
// declines.
func (r *Reader) Object(field func(key []byte)) {
	r.expect('{')
	if r.peek() == '}' {
		r.i++
		return
	}
	for r.ok {
		if r.peek() != '"' {
			r.ok = false
			return
		}
		start := r.i + 1
		end := start
		for end < len(r.data) && r.data[end] != '"' && r.data[end] != '\\' && r.data[end] >= 0x20 {
			end++
		}
		if end >= len(r.data) || r.data[end] != '"' {
			r.ok = false
			return
		}
		r.i = end + 1
		r.expect(':')
		if !r.ok {
			return
		}
		field(r.data[start:end])
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return
		default:
			r.ok = false
		}
	}
}

// Array reads an array, calling elem for each element, which must read it.
func (r *Reader) Array(elem func()) {
	r.expect('[')
	if r.peek() == ']' {
		r.i++
		return
	}
	for r.ok {
		elem()
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return
		default:
			r.ok = false
		}
	}
}

// Bool reads true or false.
func (r *Reader) Bool() bool {
	switch r.peek() {
	case 't':
		if r.literal("true") {
			return true
		}
	case 'f':
		if r.literal("false") {
			return false
		}
	}
	r.ok = false
	return false
}

// RawString returns a string token with its quotes, unescaped; a string with
// an escape declines. It is what encoding/json hands a json.Unmarshaler such
// as time.Time.
func (r *Reader) RawString() []byte {
	if r.peek() != '"' {
		r.ok = false
		return nil
	}
	start := r.i
	end := r.i + 1
	for end < len(r.data) && r.data[end] != '"' && r.data[end] != '\\' && r.data[end] >= 0x20 {
		end++
	}
	if end >= len(r.data) || r.data[end] != '"' {
		r.ok = false
		return nil
	}
	r.i = end + 1
	return r.data[start:r.i]
}

// String reads a string.
func (r *Reader) String() string {
	if r.peek() != '"' {
		r.ok = false
		return ""
	}
	i := r.i + 1
	start := i
	data := r.data
	for i < len(data) && !special[data[i]] {
		i++
	}
	if i < len(data) && data[i] == '"' {
		r.i = i + 1
		return string(data[start:i]) // no escapes: one copy
	}
	// Escapes: check the string's grammar and find its end first, so the
	// result is built once, at its size (a body has a \n per paragraph).
	r.i = start - 1
	r.skipString()
	if !r.ok {
		return ""
	}
	end := r.i - 1 // the closing quote
	var b strings.Builder
	b.Grow(end - start)
	for i = start; i < end; {
		j := end
		if k := bytes.IndexByte(data[i:end], '\\'); k >= 0 {
			j = i + k
		}
		b.Write(data[i:j])
		if j == end {
			break
		}
		switch c := data[j+1]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			u, err := strconv.ParseUint(string(data[j+2:j+6]), 16, 32)
			if err != nil || (u >= 0xD800 && u < 0xE000) {
				r.ok = false // surrogates: left to encoding/json
				return ""
			}
			b.WriteRune(rune(u))
			i = j + 6
			continue
		default: // " \ /
			b.WriteByte(c)
		}
		i = j + 2
	}
	return b.String()
}

// number returns the next number token, checked against JSON's grammar, and
// whether it is an integer (no fraction, no exponent).
func (r *Reader) number() (tok []byte, integer bool) {
	r.ws()
	data, i := r.data, r.i
	start := i
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		r.ok = false
		return nil, false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		d := i + 1
		if i = digits(data, d); i == d {
			r.ok = false
			return nil, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		d := i
		if i = digits(data, d); i == d {
			r.ok = false
			return nil, false
		}
	}
	r.i = i
	return data[start:i], integer
}

// digits returns the index after the run of digits at data[i:].
func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// Int reads an integer literal that fits an int; anything else declines
// (encoding/json refuses "1.0" for an int, and reports overflow).
func (r *Reader) Int() int {
	tok, integer := r.number()
	if !r.ok || !integer {
		r.ok = false
		return 0
	}
	n, err := strconv.ParseInt(string(tok), 10, strconv.IntSize)
	if err != nil {
		r.ok = false
		return 0
	}
	return int(n)
}

// Float reads a number as a float64, as encoding/json does.
func (r *Reader) Float() float64 {
	tok, _ := r.number()
	if !r.ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		r.ok = false
		return 0
	}
	return f
}

// Skip reads and discards any value, checking its grammar.
func (r *Reader) Skip() { r.skip(0) }

func (r *Reader) skip(depth int) {
	if depth > MaxDepth {
		r.ok = false
		return
	}
	switch c := r.peek(); {
	case c == '{':
		r.Object(func([]byte) { r.skip(depth + 1) })
	case c == '[':
		r.Array(func() { r.skip(depth + 1) })
	case c == '"':
		r.skipString()
	case c == 't' || c == 'f':
		r.Bool()
	case c == 'n':
		if !r.Null() {
			r.ok = false
		}
	case c == '-' || (c >= '0' && c <= '9'):
		r.number()
	default:
		r.ok = false
	}
}

// skipString checks a string's grammar without building it.
func (r *Reader) skipString() {
	data, i := r.data, r.i+1
	for i < len(data) {
		for i < len(data) && !special[data[i]] {
			i++
		}
		if i >= len(data) {
			break
		}
		switch c := data[i]; {
		case c == '"':
			r.i = i + 1
			return
		case c < 0x20 || i+1 >= len(data):
			r.ok = false
			return
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
				r.ok = false
				return
			}
			i += 6
		default:
			r.ok = false
			return
		}
	}
	r.ok = false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
