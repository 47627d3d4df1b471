package bus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// The LLM's daily token budget and reply cache live in KV bucket
// news.BucketLLM, so every process (the entities and summarise workers,
// their replicas, the all-in-one) shares one budget and one cache, and a
// restart forgets neither. They implement package llm's Ledger and Cache
// (declared there; this package does not import it).

// LLMTTL is how long a budget day or a cached reply is kept.
const LLMTTL = 30 * 24 * time.Hour

// LLMLedger counts LLM tokens per UTC day under key budget.<day>, with
// compare-and-set updates: a reservation either fits, or is retried on the
// new count when another process got there first.
type LLMLedger struct{ kv jetstream.KeyValue }

// LLMCache keeps validated LLM replies under cache.<key>.
type LLMCache struct{ kv jetstream.KeyValue }

// LLMStores opens the shared ledger and cache.
func (b *Bus) LLMStores(ctx context.Context) (*LLMLedger, *LLMCache, error) {
	kv, err := b.JS.KeyValue(ctx, news.BucketLLM)
	if err != nil {
		return nil, nil, fmt.Errorf("opening bucket %s: %w", news.BucketLLM, err)
	}
	return &LLMLedger{kv}, &LLMCache{kv}, nil
}

// casAttempts bounds the compare-and-set loop; each lost race means
// another reservation was made, so contention ends quickly.
const casAttempts = 200

// Reserve adds tokens to day's count if the count before is below limit
// (limit <= 0: always) and returns the count before.
func (l *LLMLedger) Reserve(ctx context.Context, day string, tokens, limit int64) (int64, bool, error) {
	return l.update(ctx, day, func(cur int64) (int64, bool) {
		if limit > 0 && cur >= limit {
			return cur, false
		}
		return cur + tokens, true
	})
}

// Add adds tokens (negative: gives back) to day's count, never below 0.
func (l *LLMLedger) Add(ctx context.Context, day string, tokens int64) error {
	_, _, err := l.update(ctx, day, func(cur int64) (int64, bool) { return max(cur+tokens, 0), true })
	return err
}

// Spent returns day's count.
func (l *LLMLedger) Spent(ctx context.Context, day string) (int64, error) {
	cur, _, err := l.read(ctx, "budget."+day)
	return cur, err
}

func (l *LLMLedger) read(ctx context.Context, key string) (int64, uint64, error) {
	e, err := l.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("reading the LLM budget: %w", err)
	}
	n, err := strconv.ParseInt(string(e.Value()), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("the LLM budget %s holds %q: %w", key, e.Value(), err)
	}
	return n, e.Revision(), nil
}

// update applies f to day's count with compare-and-set, returning the
// count before and whether f changed it.
func (l *LLMLedger) update(ctx context.Context, day string, f func(int64) (int64, bool)) (int64, bool, error) {
	key := "budget." + day
	for attempt := 0; attempt < casAttempts; attempt++ {
		cur, rev, err := l.read(ctx, key)
		if err != nil {
			return 0, false, err
		}
		next, ok := f(cur)
		if !ok {
			return cur, false, nil
		}
		// Revision 0 creates the key, failing if it exists.
		_, err = l.kv.Update(ctx, key, []byte(strconv.FormatInt(next, 10)), rev)
		if err == nil {
			return cur, true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongLastSequence(err) {
			return 0, false, fmt.Errorf("updating the LLM budget: %w", err)
		}
		// Another process changed it first: read again, after a moment.
		select {
		case <-ctx.Done():
			return 0, false, ctx.Err()
		case <-time.After(time.Duration(rand.IntN(2000)+100) * time.Microsecond):
		}
	}
	return 0, false, fmt.Errorf("updating the LLM budget %s: still contended after %d attempts", key, casAttempts)
}

func isWrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// cacheKVKey maps an llm cache key ("llm:brief:<hex>") to a KV key.
func cacheKVKey(key string) string { return "cache." + strings.ReplaceAll(key, ":", ".") }

// Get returns the reply under key, if any.
func (c *LLMCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	e, err := c.kv.Get(ctx, cacheKVKey(key))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the LLM cache: %w", err)
	}
	return e.Value(), true, nil
}

// Put stores a reply under key.
func (c *LLMCache) Put(ctx context.Context, key string, val []byte) error {
	if _, err := c.kv.Put(ctx, cacheKVKey(key), val); err != nil {
		return fmt.Errorf("writing the LLM cache: %w", err)
	}
	return nil
}
