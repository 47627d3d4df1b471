package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/newsbrief/newsbrief/pkg/amount"
	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/entities"
	"github.com/newsbrief/newsbrief/pkg/llm"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/summarise"
)

// Engines builds the entity and summary engines the config asks for:
// offline always, the LLM (c.LLM, read by Load) in front of it when
// configured and chosen.
func Engines(c Config, log *slog.Logger) (pipeline.Entities, pipeline.Summariser, error) {
	off, err := entities.NewOffline()
	if err != nil {
		return nil, nil, fmt.Errorf("loading the offline entity model: %w", err)
	}
	lc := c.LLM // read and checked by Load
	useLLM := func(engine string) (bool, error) {
		switch engine {
		case "offline":
			return false, nil
		case "llm":
			if !lc.Enabled() {
				return false, errors.New("an LLM engine was asked for but OPENAI_BASE_URL/OPENAI_API_KEY and NEWSBRIEF_LLM_MODEL are not set")
			}
			return true, nil
		}
		return lc.Enabled(), nil
	}
	entLLM, err1 := useLLM(c.EntitiesEngine)
	sumLLM, err2 := useLLM(c.SummaryEngine)
	if err := errors.Join(err1, err2); err != nil {
		return nil, nil, err
	}
	var client *llm.Client
	if entLLM || sumLLM {
		client, err = llm.New(lc, llm.WithAmount(AmountEntity), llm.WithCanonical(entities.Canonical))
		if err != nil {
			return nil, nil, fmt.Errorf("LLM client: %w", err)
		}
		log.Info("LLM configured", "llm", lc, "entities", entLLM, "summary", sumLLM)
	}
	ent := &EntityEngine{Offline: off}
	sum := &SummaryEngine{}
	if entLLM {
		ent.LLM = client
	}
	if sumLLM {
		sum.LLM = client
	}
	return ent, sum, nil
}

// AmountEntity re-derives a numeric entity from a grounded span.
func AmountEntity(span, lang string) (news.Entity, bool) {
	a, ok := amount.Normalise(span, lang)
	if !ok {
		return news.Entity{}, false
	}
	return entities.FromAmount(a, news.Mention{Start: a.Start, End: a.End}), true
}

// EntityEngine is the entities stage's engine: the LLM when set, falling
// back to the offline engine when the LLM fails for good.
type EntityEngine struct {
	Offline *entities.Offline
	LLM     *llm.Client
}

func (e *EntityEngine) Entities(ctx context.Context, a news.Article) ([]news.Entity, string, error) {
	lang := a.Language.Code
	if e.LLM != nil {
		ents, _, err := e.LLM.Entities(ctx, a.ID, a.Body, lang)
		if err == nil {
			e.Offline.Link(ents, lang)
			return ents, "llm:" + e.LLM.Model(), nil
		}
		if !llm.ShouldFallBack(err) {
			return nil, "", err
		}
		return e.Offline.AllIn(a.Body, lang, amount.Context{Published: a.PublishedAt}), "offline (llm failed: " + err.Error() + ")", nil
	}
	return e.Offline.AllIn(a.Body, lang, amount.Context{Published: a.PublishedAt}), "offline", nil
}

// SummaryEngine writes the brief's text: the LLM when set (with translated
// briefs when configured), else or on failure the offline summariser.
type SummaryEngine struct {
	LLM *llm.Client
}

func (s *SummaryEngine) Summarise(ctx context.Context, x news.Extracted) (pipeline.Summary, error) {
	a := x.Article
	lang := a.Language.Code
	off := func(note string) pipeline.Summary {
		r := summarise.Offline(a.Title, a.Body, lang, x.Entities)
		m := news.Method{Summary: "offline"}
		if note != "" {
			m.Notes = []string{note}
		}
		return pipeline.Summary{Headline: r.Headline, Summary: r.Summary, KeyPoints: r.KeyPoints, Topics: r.Topics, Keywords: r.Keywords, Method: m}
	}
	if s.LLM == nil {
		return off(""), nil
	}
	in := llm.BriefInput{ArticleID: a.ID, Title: a.Title, Body: a.Body, Lang: lang, Entities: x.Entities}
	out, u, err := s.LLM.Brief(ctx, in)
	if err != nil {
		if !llm.ShouldFallBack(err) {
			return pipeline.Summary{}, err
		}
		return off("llm brief failed, offline used: " + err.Error()), nil
	}
	// Keywords come from the offline engine: cheap, and the LLM is not asked.
	r := summarise.Offline(a.Title, a.Body, lang, x.Entities)
	sum := pipeline.Summary{
		Headline: out.Headline, Summary: out.Summary, KeyPoints: out.KeyPoints, Topics: out.Topics, Keywords: r.Keywords,
		Method: news.Method{Summary: "llm:" + s.LLM.Model(), PromptVersion: llm.PromptVersion, Notes: u.Notes},
		LLM:    u.LLM(),
	}
	for _, tl := range s.LLM.Config().Translations(lang) {
		in.OutLang = tl
		tout, tu, err := s.LLM.Brief(ctx, in)
		if err != nil {
			sum.Method.Notes = append(sum.Method.Notes, fmt.Sprintf("translation to %s failed: %v", tl, err))
			continue
		}
		sum.LLM.PromptTokens += tu.PromptTokens
		sum.LLM.CompletionTokens += tu.CompletionTokens
		sum.LLM.CostUSD += tu.CostUSD
		sum.Translations = append(sum.Translations, news.Brief{
			ID: a.ID, SchemaVersion: news.SchemaVersion, Language: news.Language{Code: tl, Confidence: 1},
			Headline: tout.Headline, Summary: tout.Summary, KeyPoints: tout.KeyPoints, Topics: tout.Topics,
			Method: news.Method{Summary: "llm:" + s.LLM.Model(), PromptVersion: llm.PromptVersion},
		})
	}
	return sum, nil
}

// ShareLLM points the pipeline's LLM client (if any) at the bus's shared
// token ledger and reply cache (NATS KV), so the daily budget and the cache
// hold across every process and restart. Without the bucket (a deployment
// not set up again since) the client keeps its per-process ones, and says
// so.
func ShareLLM(ctx context.Context, b *bus.Bus, p *pipeline.Pipeline, log *slog.Logger) {
	var clients []*llm.Client
	if e, ok := p.Entities.(*EntityEngine); ok && e.LLM != nil {
		clients = append(clients, e.LLM)
	}
	s := p.Summariser
	if m, ok := s.(meteredSummariser); ok {
		s = m.next
	}
	if e, ok := s.(*SummaryEngine); ok && e.LLM != nil {
		clients = append(clients, e.LLM)
	}
	if len(clients) == 0 {
		return
	}
	ledger, cache, err := b.LLMStores(ctx)
	if err != nil {
		log.Warn("LLM budget and cache stay per process", "err", err)
		return
	}
	for _, c := range clients {
		c.Share(ledger, cache)
	}
	log.Info("LLM budget and cache shared on NATS KV", "bucket", news.BucketLLM)
}
