package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// Cache keeps validated model replies so that re-running an article (a
// redelivery, a re-submission, a bench) costs nothing. Keys come from
// cacheKey; values are the reply text. A Get error is treated as a miss and
// a Put error is ignored: the cache must never fail a call.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Put(ctx context.Context, key string, val []byte) error
}

// MemoryCache is an in-process Cache bounded to a number of entries; when
// full it drops an arbitrary entry.
type MemoryCache struct {
	mu  sync.Mutex
	max int
	m   map[string][]byte
}

// NewMemoryCache returns a cache of at most max entries (max <= 0: 10000).
func NewMemoryCache(max int) *MemoryCache {
	if max <= 0 {
		max = 10000
	}
	return &MemoryCache{max: max, m: map[string][]byte{}}
}

// Get returns a copy of the value under key.
func (c *MemoryCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return append([]byte(nil), v...), ok, nil
}

// Put stores a copy of val under key.
func (c *MemoryCache) Put(_ context.Context, key string, val []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = append([]byte(nil), val...)
	return nil
}

// Len returns the number of entries.
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// cacheKey is "llm:<task>:" plus a hash of what decides the reply: the
// article id (a hash of its text), model, prompt version and output
// language.
func cacheKey(task, articleID, model, promptVersion, outLang string) string {
	h := sha256.New()
	for _, s := range []string{task, articleID, model, promptVersion, outLang} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "llm:" + task + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}
