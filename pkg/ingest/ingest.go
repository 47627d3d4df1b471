// Package ingest turns what a user submits (JSON, plain text, HTML or a URL)
// into a normalised news.Article, so that every later stage sees clean UTF-8
// text in one shape and the same story submitted twice gets the same ID.
//
// The steps are Decode (bytes and a Content-Type into a news.Submission),
// Fetch (a URL into a Submission) and Normalise (a Submission into an
// Article). None of them talks to NATS; the ingest stage and the gateway wire
// them. Every error wraps one of the sentinels below with a message written
// for the person who submitted the article, because the pipeline shows it to
// them as the rejection reason.
package ingest

import "errors"

// DefaultMaxBytes is the largest body accepted, in bytes, both as received and
// after conversion to UTF-8: 1 MiB, far more than any news article, small
// enough that one request cannot hurt the server. Pass it (or a smaller value)
// as maxBytes; a maxBytes of zero or less means DefaultMaxBytes.
const DefaultMaxBytes = 1 << 20

// Sentinel errors. Every error returned by this package wraps exactly one of
// them (Fetch failures wrap ErrFetch and, when it applies, ErrTooLarge), with
// detail meant to be read by the submitter. The gateway answers ErrTooLarge
// with 413 and the others with 400.
var (
	// ErrEmpty is returned when nothing is left to read: no body and no URL,
	// whitespace only, or an HTML page without article text.
	ErrEmpty = errors.New("empty article")
	// ErrTooLarge is returned when the body is larger than the limit, as
	// received or after conversion to UTF-8.
	ErrTooLarge = errors.New("article too large")
	// ErrBinary is returned for content that is not text: NUL bytes, or the
	// signature of an image, archive, PDF or other binary format.
	ErrBinary = errors.New("not text")
	// ErrInvalidUTF8 is returned for text that is not valid UTF-8 and cannot be
	// repaired by reading it as Windows-1252 (Latin-1).
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrMalformed is returned for a submission that cannot be understood: bad
	// JSON syntax, a field of the wrong type, an unknown field, nesting that
	// is too deep, an unknown charset or a badly formatted date.
	ErrMalformed = errors.New("malformed submission")
	// ErrFetch is returned by Fetch when the URL cannot be fetched or does not
	// lead to an HTML or text page.
	ErrFetch = errors.New("cannot fetch URL")
)
