package gateway

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Index is the gateway's in-memory listing of briefs, newest first. The
// briefs bucket is the source of truth: the index is rebuilt from a KV watch
// at start and kept current by it, so any number of gateways can run.
// Entries drop the article body to keep memory small.
type Index struct {
	mu      sync.RWMutex
	byID    map[string]news.Brief // the indexed entry, to find it in items
	items   []news.Brief          // oldest first, so a new brief is an append
	subs    map[chan news.Brief]struct{}
	maxSize int
}

// NewIndex returns an index holding at most maxSize briefs (0: 100,000).
func NewIndex(maxSize int) *Index {
	if maxSize <= 0 {
		maxSize = 100_000
	}
	return &Index{byID: map[string]news.Brief{}, subs: map[chan news.Brief]struct{}{}, maxSize: maxSize}
}

// Add inserts or replaces a brief. live briefs are also sent to subscribers.
func (x *Index) Add(br news.Brief, live bool) {
	br.Body = ""
	br.Entities = slices.Clone(br.Entities)
	for i := range br.Entities {
		br.Entities[i].Mentions = nil
	}
	x.mu.Lock()
	if old, ok := x.byID[br.ID]; ok {
		if i, found := slices.BinarySearchFunc(x.items, old, olderFirst); found {
			x.items = slices.Delete(x.items, i, i+1)
		}
	}
	pos, _ := slices.BinarySearchFunc(x.items, br, olderFirst)
	x.items = slices.Insert(x.items, pos, br)
	x.byID[br.ID] = br
	if len(x.items) > x.maxSize {
		delete(x.byID, x.items[0].ID)
		x.items = slices.Delete(x.items, 0, 1)
	}
	var subs []chan news.Brief
	if live {
		for c := range x.subs {
			subs = append(subs, c)
		}
	}
	x.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- br:
		default: // a slow reader misses an update rather than stalling everyone
		}
	}
}

func olderFirst(a, b news.Brief) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Len is the number of briefs indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.items)
}

// Filter selects briefs. Empty fields match everything.
type Filter struct {
	Lang   string
	Topic  string
	Entity string // canonical entity name, case-insensitive
	Query  string // words that must all appear in headline, summary, title or entity names
	Since  time.Time
}

// Match reports whether br passes the filter.
func (f Filter) Match(br news.Brief) bool {
	if f.Lang != "" && br.Language.Code != f.Lang {
		return false
	}
	if f.Topic != "" && !slices.Contains(br.Topics, f.Topic) {
		return false
	}
	if !f.Since.IsZero() && br.CreatedAt.Before(f.Since) {
		return false
	}
	if f.Entity != "" && !slices.ContainsFunc(br.Entities, func(e news.Entity) bool { return strings.EqualFold(e.Name, f.Entity) }) {
		return false
	}
	if f.Query != "" {
		var sb strings.Builder
		sb.WriteString(br.Title + " " + br.Headline + " " + br.Summary + " " + strings.Join(br.KeyPoints, " "))
		for _, e := range br.Entities {
			sb.WriteString(" " + e.Name)
		}
		hay := strings.ToLower(sb.String())
		for _, w := range strings.Fields(strings.ToLower(f.Query)) {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// List returns up to limit briefs matching f, after the cursor, and the
// cursor of the next page ("" at the end).
func (x *Index) List(f Filter, limit int, cursor string) ([]news.Brief, string, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	start := len(x.items) - 1
	if after != nil {
		i, _ := slices.BinarySearchFunc(x.items, *after, olderFirst)
		start = i - 1 // the cursor's own brief, if still there, is at i
	}
	out := []news.Brief{}
	for i := start; i >= 0; i-- {
		if !f.Match(x.items[i]) {
			continue
		}
		if len(out) == limit {
			return out, encodeCursor(out[len(out)-1]), nil
		}
		out = append(out, x.items[i])
	}
	return out, "", nil
}

// After returns, oldest first, up to limit briefs matching f that are newer
// than the brief with the given id (an event stream's Last-Event-ID). ok is
// false when the index does not hold that brief (unknown, or evicted).
func (x *Index) After(id string, f Filter, limit int) (out []news.Brief, ok bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	last, ok := x.byID[id]
	if !ok {
		return nil, false
	}
	i, found := slices.BinarySearchFunc(x.items, last, olderFirst)
	if found {
		i++
	}
	for ; i < len(x.items) && len(out) < limit; i++ {
		if f.Match(x.items[i]) {
			out = append(out, x.items[i])
		}
	}
	return out, true
}

// Subscribe returns a channel of briefs as they arrive, and a cancel func.
func (x *Index) Subscribe() (<-chan news.Brief, func()) {
	c := make(chan news.Brief, 64)
	x.mu.Lock()
	x.subs[c] = struct{}{}
	x.mu.Unlock()
	return c, func() {
		x.mu.Lock()
		delete(x.subs, c)
		x.mu.Unlock()
	}
}

func encodeCursor(br news.Brief) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(br.CreatedAt.UnixNano(), 10) + "_" + br.ID))
}

func decodeCursor(c string) (*news.Brief, error) {
	if c == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, fmt.Errorf("invalid cursor")
	}
	ts, id, ok := strings.Cut(string(raw), "_")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("invalid cursor")
	}
	return &news.Brief{ID: id, CreatedAt: time.Unix(0, n)}, nil
}
