// Package pipeline composes the logic packages into the four stage
// functions (ingest, detect, extract, summarise) that package bus runs on
// JetStream, and into Process, which runs them in-process for the CLI and
// for benchmarks. It knows nothing of NATS: the engines come in through
// the small interfaces below.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
	"github.com/newsbrief/newsbrief/pkg/story"
)

// Raw is a submission as it arrives on news.submitted.
type Raw struct {
	Data        []byte
	ContentType string
}

// Detector finds an article's language; errors are rejections.
type Detector interface {
	Detect(title, body, hint string) (news.Language, error)
}

// Entities extracts entities; method names the engine that did it
// ("offline", "llm:<model>", "offline (llm failed: …)").
type Entities interface {
	Entities(ctx context.Context, a news.Article) (ents []news.Entity, method string, err error)
}

// Summary is what a Summariser writes.
type Summary struct {
	Headline  string
	Summary   string
	KeyPoints []string
	Topics    []string
	Keywords  []string
	Method    news.Method
	LLM       *news.LLMUsage
	// Translations are briefs in other languages (LLM only).
	Translations []news.Brief
}

// Summariser writes the brief's text.
type Summariser interface {
	Summarise(ctx context.Context, x news.Extracted) (Summary, error)
}

// Claimer records a new article and says whether it should be processed
// (false: already briefed or rejected). Package bus provides one on KV.
type Claimer interface {
	Claim(ctx context.Context, id string) (fresh bool, st news.Status, err error)
}

// ErrTemporary is wrapped by an Ingester's Fetch errors that a later
// attempt may not meet (a timeout, a refused connection, a 5xx): the
// ingest stage retries those with back-off instead of rejecting the
// article, and the gateway answers 503.
var ErrTemporary = errors.New("pipeline: temporary failure")

// Temporary marks err as ErrTemporary without changing its message.
func Temporary(err error) error {
	if err == nil {
		return nil
	}
	return temporary{err}
}

type temporary struct{ error }

func (t temporary) Unwrap() error      { return t.error }
func (temporary) Is(target error) bool { return target == ErrTemporary }

// Ingester decodes and normalises submissions (package ingest).
type Ingester interface {
	Decode(data []byte, contentType string) (news.Submission, error)
	Normalise(s news.Submission, now time.Time) (news.Article, error)
	Fetch(ctx context.Context, url string) (news.Submission, error)
}

// Pipeline holds the engines. Any of them may be nil when the process runs
// only some stages.
type Pipeline struct {
	Ingest     Ingester
	Detector   Detector
	Entities   Entities
	Summariser Summariser
	Claimer    Claimer
	// Story configures the cluster stage (zero: story.DefaultConfig).
	Story story.Config
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Limits bound the entities and the brief of one article (zero value:
	// DefaultLimits); Limited, if set, counts each cut (what, how many).
	Limits  Limits
	Limited func(what string, n int)
}

// Prepare decodes, fetches (for a URL-only submission) and normalises a
// submission. The gateway calls it to answer with an id or a 4xx at once;
// the ingest stage calls it for submissions published on NATS.
func (p *Pipeline) Prepare(ctx context.Context, r Raw) (news.Article, error) {
	s, err := p.Ingest.Decode(r.Data, r.ContentType)
	if err != nil {
		return news.Article{}, err
	}
	if strings.TrimSpace(s.Body) == "" && s.URL != "" {
		fetched, err := p.Ingest.Fetch(ctx, s.URL)
		if err != nil {
			return news.Article{}, err
		}
		fetched.Title = firstNonEmpty(s.Title, fetched.Title)
		fetched.Source = firstNonEmpty(s.Source, fetched.Source)
		fetched.PublishedAt = firstNonEmpty(s.PublishedAt, fetched.PublishedAt)
		fetched.Language = firstNonEmpty(s.Language, fetched.Language)
		s = fetched
	}
	return p.Ingest.Normalise(s, p.now())
}

// IngestStage is the ingest stage: a raw submission becomes a normalised
// article with its id, or a rejection; a duplicate is skipped.
func (p *Pipeline) IngestStage(ctx context.Context, r Raw) (news.Article, error) {
	a, err := p.Prepare(ctx, r)
	if errors.Is(err, ErrTemporary) {
		return a, err // retried with back-off; dead-lettered when retries run out
	}
	if err != nil {
		return a, stage.Reject("%s", err)
	}
	if p.Claimer != nil {
		fresh, _, err := p.Claimer.Claim(ctx, a.ID)
		if err != nil {
			return a, err
		}
		if !fresh {
			return a, stage.ErrSkip
		}
	}
	return a, nil
}

// Detect is the language-detection stage.
func (p *Pipeline) Detect(_ context.Context, a news.Article) (news.Article, error) {
	lang, err := p.Detector.Detect(a.Title, a.Body, a.LanguageHint)
	if err != nil {
		return a, stage.Reject("%s", err)
	}
	a.Language = &lang
	return a, nil
}

// Extract is the entities stage.
func (p *Pipeline) Extract(ctx context.Context, a news.Article) (news.Extracted, error) {
	if a.Language == nil {
		return news.Extracted{}, stage.Permanent(errors.New("article has no language: it skipped detection"))
	}
	ents, method, err := p.Entities.Entities(ctx, a)
	if err != nil {
		return news.Extracted{}, fmt.Errorf("extracting entities: %w", err)
	}
	ents, merged, mentions, dropped := BoundEntities(ents, p.limits())
	p.limited(LimitMerged, merged)
	p.limited(LimitMentions, mentions)
	p.limited(LimitEntities, dropped)
	return news.Extracted{Article: a, Entities: ents, Method: method}, nil
}

// Summarise is the summarise stage: it assembles the brief.
func (p *Pipeline) Summarise(ctx context.Context, x news.Extracted) (news.Brief, error) {
	if x.Article.Language == nil {
		return news.Brief{}, stage.Permanent(errors.New("article has no language: it skipped detection"))
	}
	s, err := p.Summariser.Summarise(ctx, x)
	if err != nil {
		return news.Brief{}, fmt.Errorf("summarising: %w", err)
	}
	p.limited(LimitText, limitSummary(&s, p.limits()))
	a := x.Article
	m := s.Method
	m.Entities = x.Method
	sub := a.SubmittedAt
	br := news.Brief{
		ID:            a.ID,
		SchemaVersion: news.SchemaVersion,
		Language:      *a.Language,
		Title:         a.Title,
		Headline:      s.Headline,
		Summary:       s.Summary,
		KeyPoints:     nonNil(s.KeyPoints),
		Entities:      x.Entities,
		Topics:        nonNil(s.Topics),
		Keywords:      s.Keywords,
		Source:        news.Source{URL: a.URL, Name: a.Source, PublishedAt: a.PublishedAt, Author: a.Author, Dateline: a.Dateline},
		Method:        m,
		CreatedAt:     p.now().UTC(),
		WordCount:     WordCount(a.Body),
		Body:          a.Body,
		Translations:  s.Translations,
		LLM:           s.LLM,
		SubmittedAt:   &sub,
	}
	return br, nil
}

// Process runs every stage in-process, with no NATS and no dedup store:
// `newsbrief brief` and `newsbrief bench --inproc` use it. lang, if set,
// skips detection.
func (p *Pipeline) Process(ctx context.Context, r Raw, lang string) (news.Brief, error) {
	a, err := p.Prepare(ctx, r)
	if err != nil {
		return news.Brief{}, err
	}
	return p.ProcessArticle(ctx, a, lang)
}

// ProcessArticle runs detection, extraction and summary on a prepared article.
func (p *Pipeline) ProcessArticle(ctx context.Context, a news.Article, lang string) (news.Brief, error) {
	var err error
	if lang != "" {
		a.Language = &news.Language{Code: lang, Confidence: 1}
	} else if a, err = p.Detect(ctx, a); err != nil {
		return news.Brief{}, err
	}
	x, err := p.Extract(ctx, a)
	if err != nil {
		return news.Brief{}, err
	}
	return p.Summarise(ctx, x)
}

// WordCount counts words as runs of letters or digits.
func WordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
