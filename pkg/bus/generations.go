package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// Generations: a Newsbrief-Generation header makes every Msg-Id of a re-run
// new, so whoever could set it could make a second brief of any article.
// It is therefore issued, not asserted: `newsbrief reprocess` records the
// generation of each article it queues in KV bucket news.BucketGenerations
// (key: article id) before publishing it, and every stage on the NEWS
// stream checks the header against that record:
//
//	no record for the id        dead letter: "generation … was not issued"
//	a record naming another one ack, publish nothing (superseded by a later run)
//	the same generation         process as usual
//
// Only the ops credential may write the bucket (deploy/nats/permissions.conf);
// workers may only read it. The public subject news.submitted never carries
// a generation: the runner strips it there (Spec.Public).

// generationsKV opens the bucket once per Bus.
type generationsKV struct {
	mu sync.Mutex
	kv jetstream.KeyValue
}

func (b *Bus) generationsBucket(ctx context.Context) (jetstream.KeyValue, error) {
	b.gens.mu.Lock()
	defer b.gens.mu.Unlock()
	if b.gens.kv != nil {
		return b.gens.kv, nil
	}
	kv, err := b.JS.KeyValue(ctx, news.BucketGenerations)
	if err != nil {
		return nil, fmt.Errorf("opening bucket %s: %w", news.BucketGenerations, err)
	}
	b.gens.kv = kv
	return kv, nil
}

// checkGeneration decides what a message of article id carrying generation
// gen may do (see the table above). A read error is transient.
func (b *Bus) checkGeneration(ctx context.Context, id, gen string) error {
	if !validKey(id) || !validKey(gen) {
		return stage.Permanent(fmt.Errorf("generation %.64q of article %.64q is not a valid name", gen, id))
	}
	kv, err := b.generationsBucket(ctx)
	if err != nil {
		return err
	}
	e, err := kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return stage.Permanent(fmt.Errorf("generation %q was not issued for article %s by reprocess", gen, id))
	}
	if err != nil {
		return fmt.Errorf("reading the generation of %s: %w", id, err)
	}
	if cur := string(e.Value()); cur != gen {
		return fmt.Errorf("generation %q of article %s superseded by %q: %w", gen, id, cur, stage.ErrSkip)
	}
	return nil
}

// issueGeneration records gen as article id's current generation.
func (b *Bus) issueGeneration(ctx context.Context, id, gen string) error {
	kv, err := b.generationsBucket(ctx)
	if err != nil {
		return err
	}
	if _, err := kv.Put(ctx, id, []byte(gen)); err != nil {
		return fmt.Errorf("issuing generation %s of %s: %w", gen, id, err)
	}
	return nil
}
