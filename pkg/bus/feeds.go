package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// FeedStates keeps the feed poller's state in KV bucket news.BucketFeeds,
// keyed by a hash of the feed URL (a URL has characters a key may not).
// It implements feeds.StateStore.
type FeedStates struct{ kv jetstream.KeyValue }

// FeedStates declares the feeds bucket (only a gateway that polls feeds
// needs it, so it is not part of the topology every worker declares) and
// returns the store.
// In BindOnly mode it binds to the bucket `newsbrief setup` declared.
func (b *Bus) FeedStates(ctx context.Context) (*FeedStates, error) {
	if b.cfg.BindOnly {
		kv, err := b.JS.KeyValue(ctx, news.BucketFeeds)
		if err != nil {
			return nil, fmt.Errorf("binding KV bucket %s (run `newsbrief setup` first): %w", news.BucketFeeds, err)
		}
		return &FeedStates{kv: kv}, nil
	}
	kv, err := b.declareRetrying(ctx, b.declareFeeds)
	if err != nil {
		return nil, err
	}
	return &FeedStates{kv: kv}, nil
}

func (b *Bus) declareFeeds(ctx context.Context) (jetstream.KeyValue, error) {
	kv, err := b.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: news.BucketFeeds, Description: "feed poller state by feed", History: 1,
		Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, MaxValueSize: 1 << 20,
		MaxBytes: b.cfg.maxBytes("KV_" + news.BucketFeeds),
	})
	if err != nil {
		return nil, fmt.Errorf("declaring KV bucket %s: %w", news.BucketFeeds, err)
	}
	return kv, nil
}

func feedKey(feed string) string {
	sum := sha256.Sum256([]byte(feed))
	return hex.EncodeToString(sum[:16])
}

// Load returns a feed's saved state, or nil when there is none.
func (f *FeedStates) Load(ctx context.Context, feed string) ([]byte, error) {
	e, err := f.kv.Get(ctx, feedKey(feed))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state of feed %s: %w", feed, err)
	}
	return e.Value(), nil
}

// Save replaces a feed's state.
func (f *FeedStates) Save(ctx context.Context, feed string, state []byte) error {
	if _, err := f.kv.Put(ctx, feedKey(feed), state); err != nil {
		return fmt.Errorf("saving state of feed %s: %w", feed, err)
	}
	return nil
}
