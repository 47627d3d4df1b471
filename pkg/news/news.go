// Package news holds the message contracts of the pipeline: the article as it
// moves between stages, the brief it becomes, the status a reader can ask for,
// and the subjects, streams and buckets they travel on.
//
// Everything here is plain data with JSON tags. It imports nothing from NATS so
// that stage logic, the gateway and tests can share it freely; a change to a
// field that is already published is a schema change and bumps SchemaVersion.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// SchemaVersion is written into every brief. Readers should accept briefs of
// the same major version and ignore fields they do not know.
//
// 1.1 (issue #14): an entity may carry ID (a Wikidata QID such as "Q30", or
// a stable slug such as "org:poste-italiane") and Names (its name per
// language code); Name is then the name in the brief's own language. Type
// may be LAW (laws and regulations: GDPR, AI Act). Readers of 1.0 ignore them.
const SchemaVersion = "1.1"

// Submission is what users drop on SubjectSubmitted or POST to /v1/articles.
// Only Body or URL is required. Plain text and HTML are accepted as well and
// become the Body.
type Submission struct {
	Title       string `json:"title,omitempty"`
	Body        string `json:"body,omitempty"`
	URL         string `json:"url,omitempty"`
	Source      string `json:"source,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	Language    string `json:"language,omitempty"`
	// HTML is set when Body holds an HTML page rather than text.
	HTML bool `json:"html,omitempty"`
}

// Article is a normalised article: the output of ingest and, once Language is
// set, of language detection. ID is a content hash (see ID), so the same text
// submitted twice has the same ID.
type Article struct {
	ID          string     `json:"id"`
	Title       string     `json:"title,omitempty"`
	Body        string     `json:"body"`
	URL         string     `json:"url,omitempty"`
	Source      string     `json:"source,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// Author is the name in the page's byline ("By Jane Doe"), if any.
	Author string `json:"author,omitempty"`
	// Dateline is the place and date of the page's dateline ("SAN
	// FRANCISCO", "Mountain View, 18 novembre 2025"), if any.
	Dateline string `json:"dateline,omitempty"`
	// LanguageHint is what the submitter claimed, if anything.
	LanguageHint string    `json:"language_hint,omitempty"`
	Language     *Language `json:"language,omitempty"`
	SubmittedAt  time.Time `json:"submitted_at"`
}

// Language is the detected language of an article.
type Language struct {
	Code       string  `json:"code"`
	Confidence float64 `json:"confidence"`
}

// Entity types. MONEY, PERCENT and QUANTITY carry a numeric Value.
const (
	Person   = "PERSON"
	Org      = "ORG"
	Location = "LOCATION"
	Product  = "PRODUCT"
	Event    = "EVENT"
	Money    = "MONEY"
	Percent  = "PERCENT"
	Quantity = "QUANTITY"
	Date     = "DATE"
	// Law is a law or regulation (GDPR, AI Act, Digital Markets Act): never ORG.
	Law = "LAW"
)

// Entity is one named thing in an article, with every place it is mentioned.
type Entity struct {
	// Name is the entity's name in the brief's language (Names[lang] when the
	// knowledge base knows it), else as the article writes it.
	Name string `json:"name"`
	Type string `json:"type"`
	// ID identifies the real-world thing across articles and languages: a
	// Wikidata QID ("Q30") where known, else a stable slug ("org:poste-italiane",
	// "geonames:2643743"). Empty for names the knowledge base does not know.
	ID string `json:"id,omitempty"`
	// Names holds the entity's name by language code ({"it": "Stati Uniti",
	// "en": "United States"}) when the knowledge base knows it.
	Names    map[string]string `json:"names,omitempty"`
	Value    *float64          `json:"value,omitempty"`
	Currency string            `json:"currency,omitempty"`
	// Unit names what a QUANTITY counts ("chip", "Cpu").
	Unit string `json:"unit,omitempty"`
	// Qualifier keeps "more than", "up to", "about" and the like: over, under, about, up_to, at_least.
	Qualifier string `json:"qualifier,omitempty"`
	// Approximate is set for vague amounts such as "decine di milioni", and
	// for a DATE whose ISO was inferred from the publication date (a
	// weekday alone, a day and month without a year).
	Approximate bool `json:"approximate,omitempty"`
	// ISO is a normalised DATE (YYYY, YYYY-MM or YYYY-MM-DD).
	ISO      string    `json:"iso,omitempty"`
	Count    int       `json:"count"`
	Mentions []Mention `json:"mentions,omitempty"` // omitted in list items (BriefSummarySchema)
}

// Mention is a half-open byte range [Start, End) into Article.Body as stored.
type Mention struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Extracted is the output of the entities stage.
type Extracted struct {
	Article  Article  `json:"article"`
	Entities []Entity `json:"entities"`
	// Method is "offline", "llm:<model>", or "offline (llm failed: …)".
	Method string `json:"method"`
}

// Brief is the product: what the gateway serves and KV bucket BucketBriefs
// holds under the article ID.
type Brief struct {
	ID            string     `json:"id"`
	SchemaVersion string     `json:"schema_version"`
	Language      Language   `json:"language"`
	Title         string     `json:"title"`
	Headline      string     `json:"headline"`
	Summary       string     `json:"summary"`
	KeyPoints     []string   `json:"key_points"`
	Entities      []Entity   `json:"entities"`
	Topics        []string   `json:"topics"`
	Keywords      []string   `json:"keywords,omitempty"`
	Source        Source     `json:"source"`
	Method        Method     `json:"method"`
	CreatedAt     time.Time  `json:"created_at"`
	WordCount     int        `json:"word_count"`
	Body          string     `json:"body,omitempty"` // omitted in list items (BriefSummarySchema)
	Translations  []Brief    `json:"translations,omitempty"`
	LLM           *LLMUsage  `json:"llm,omitempty"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
}

// Source says where the article came from.
type Source struct {
	URL         string     `json:"url,omitempty"`
	Name        string     `json:"name,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	// Author and Dateline come from the article's byline and dateline,
	// which ingest removes from the body.
	Author   string `json:"author,omitempty"`
	Dateline string `json:"dateline,omitempty"`
}

// Method records which engine made each part of the brief.
type Method struct {
	Entities string `json:"entities"`
	Summary  string `json:"summary"`
	// PromptVersion is set when an LLM wrote the summary.
	PromptVersion string `json:"prompt_version,omitempty"`
	// Notes says what happened on the way, e.g. a grounding retry or a fallback.
	Notes []string `json:"notes,omitempty"`
}

// LLMUsage is the provenance and cost of the LLM calls behind a brief.
type LLMUsage struct {
	Model            string  `json:"model"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	Cached           bool    `json:"cached,omitempty"`
}

// Article states, as served by GET /v1/articles/{id}.
const (
	StatusPending  = "pending"
	StatusBriefed  = "briefed"
	StatusRejected = "rejected"
	StatusFailed   = "failed"
)

// Status is the life of one article, kept in KV bucket BucketArticles.
type Status struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason,omitempty"`
	Stage     string    `json:"stage,omitempty"`
	Language  string    `json:"language,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Rejection is published on SubjectRejected when a stage refuses an article
// for a reason that retrying cannot change (unsupported language, empty text).
type Rejection struct {
	ID     string    `json:"id"`
	Stage  string    `json:"stage"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// ID returns the article id for a normalised text: the first 16 bytes of the
// SHA-256 of title and body, hex encoded. Normalisation happens before (see
// package ingest), so whitespace and Unicode form do not change the id.
func ID(title, body string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// RawID names a message that could not be decoded into an article, so its
// rejection can still be found.
func RawID(data []byte) string {
	sum := sha256.Sum256(data)
	return "raw-" + hex.EncodeToString(sum[:16])
}

// ErrIDMismatch is returned by CheckID when the id a message carries is not
// the hash of its text: a forged or corrupted message.
var ErrIDMismatch = errors.New("news: article id does not match its text")

// CheckID returns the id title and body hash to (see ID) and, when claimed
// is not that id, an error wrapping ErrIDMismatch. Every stage checks the
// article it is given with it (package bus runs the check), so a message
// on an internal subject cannot act on another article's id.
func CheckID(claimed, title, body string) (string, error) {
	id := ID(title, body)
	if claimed != id {
		return id, fmt.Errorf("%w: carries %q, its text hashes to %s", ErrIDMismatch, truncateID(claimed), id)
	}
	return id, nil
}

// truncateID keeps an attacker's id short in a reason.
func truncateID(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
