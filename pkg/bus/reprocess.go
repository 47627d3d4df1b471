package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Reprocess puts the articles of stored briefs back into the pipeline after
// language detection (news.detected.<lang>), for every brief keep selects.
// The entities and summarise stages run again and the recorder replaces
// each brief under its id, so a re-run never makes a second brief.
// generation names the run (e.g. the new prompt version) and must be a
// NATS token; it is carried through the stages and into every Msg-Id.
// It returns how many articles were queued.
func (b *Bus) Reprocess(ctx context.Context, generation string, keep func(news.Brief) bool) (int, error) {
	if !validKey(generation) {
		return 0, fmt.Errorf("generation %q must be letters, digits, - or _", generation)
	}
	briefs, err := b.Briefs(ctx)
	if err != nil {
		return 0, err
	}
	lister, err := briefs.kv.ListKeys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("listing briefs: %w", err)
	}
	defer lister.Stop()
	n := 0
	for id := range lister.Keys() {
		br, err := briefs.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if !keep(br) {
			continue
		}
		lang := br.Language
		a := news.Article{ID: br.ID, Title: br.Title, Body: br.Body, URL: br.Source.URL, Source: br.Source.Name, Author: br.Source.Author, Dateline: br.Source.Dateline,
			PublishedAt: br.Source.PublishedAt, Language: &lang, SubmittedAt: time.Now().UTC()}
		data, err := json.Marshal(a)
		if err != nil {
			return n, err
		}
		// Issued before it is published: the stages honour the header
		// only when the record names it (see generations.go).
		if err := b.issueGeneration(ctx, br.ID, generation); err != nil {
			return n, err
		}
		h := nats.Header{}
		h.Set(news.HeaderGeneration, generation)
		if err := b.publish(ctx, news.Subject(news.SubjectDetected, lang.Code), br.ID, "reprocess", data, h); err != nil {
			return n, fmt.Errorf("queueing %s: %w", br.ID, err)
		}
		n++
	}
	return n, nil
}
