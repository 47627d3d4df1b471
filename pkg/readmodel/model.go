package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Open opens the store a gateway is configured with: PostgreSQL when dbURL
// is a postgres:// (or postgresql://) URL, else the embedded store under
// dataDir.
func Open(ctx context.Context, dataDir, dbURL string) (Store, error) {
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return OpenPostgres(ctx, dbURL)
	case dbURL != "":
		return nil, errors.New("readmodel: the database URL must start with postgres://")
	case dataDir == "":
		return nil, errors.New("readmodel: no data directory for the embedded store")
	}
	return OpenSQLite(ctx, dataDir)
}

// Model is a Store as a gateway serves it: it also hands briefs applied
// live to subscribers (the event stream) and knows how far the projection
// is behind the bucket.
type Model struct {
	Store
	mu   sync.Mutex
	subs map[chan news.Brief]struct{}

	lag     atomic.Int64 // entries of the bucket not yet applied; -1: not known yet
	current atomic.Bool  // the projection has reached the end of the bucket once
}

// NewModel wraps s.
func NewModel(s Store) *Model {
	m := &Model{Store: s, subs: map[chan news.Brief]struct{}{}}
	m.lag.Store(-1)
	return m
}

// Project applies changes to the store and, when live, sends the briefs put
// to subscribers (in listing form).
func (m *Model) Project(ctx context.Context, changes []Change, live bool) (uint64, error) {
	cp, err := m.Store.Apply(ctx, changes)
	if (err != nil && !errors.Is(err, ErrBadBrief)) || !live {
		return cp, err
	}
	m.mu.Lock()
	subs := make([]chan news.Brief, 0, len(m.subs))
	for c := range m.subs {
		subs = append(subs, c)
	}
	m.mu.Unlock()
	if len(subs) == 0 {
		return cp, err
	}
	for _, c := range changes {
		if c.Data == nil {
			continue
		}
		var br news.Brief
		if json.Unmarshal(c.Data, &br) != nil {
			continue
		}
		if br.ID != c.ID {
			continue
		}
		br = Listing(br)
		for _, s := range subs {
			select {
			case s <- br:
			default: // a slow reader misses an update rather than stalling everyone
			}
		}
	}
	return cp, err
}

// Add stores one brief as the next change: for tests and tools that fill
// a model without a bucket.
func (m *Model) Add(ctx context.Context, br news.Brief, live bool) error {
	data, err := json.Marshal(br)
	if err != nil {
		return err
	}
	cp, err := m.Store.Checkpoint(ctx)
	if err != nil {
		return err
	}
	_, err = m.Project(ctx, []Change{{Seq: cp + 1, ID: br.ID, Data: data}}, live)
	return err
}

// Subscribe returns a channel of briefs as they are applied live, and a
// cancel func.
func (m *Model) Subscribe() (<-chan news.Brief, func()) {
	c := make(chan news.Brief, 64)
	m.mu.Lock()
	m.subs[c] = struct{}{}
	m.mu.Unlock()
	return c, func() {
		m.mu.Lock()
		delete(m.subs, c)
		m.mu.Unlock()
	}
}

// SetLag records how many bucket entries remain to apply; zero marks the
// projection current.
func (m *Model) SetLag(n uint64) {
	m.lag.Store(int64(n))
	if n == 0 {
		m.current.Store(true)
	}
}

// ErrCatchingUp is returned by Ready while the projection has not yet
// reached the end of the bucket since the gateway started.
var ErrCatchingUp = errors.New("catching up")

// Ready returns nil once the projection has been current, else an error
// wrapping ErrCatchingUp that says the lag.
func (m *Model) Ready() error {
	if m.current.Load() {
		return nil
	}
	if n := m.lag.Load(); n >= 0 {
		return fmt.Errorf("%w: %d briefs behind", ErrCatchingUp, n)
	}
	return fmt.Errorf("%w: reading the briefs bucket", ErrCatchingUp)
}

// Lag is the number of bucket entries not yet applied (-1: not known yet).
func (m *Model) Lag() int64 { return m.lag.Load() }

// Retain runs the retention every interval until ctx is done, deleting
// briefs created more than maxAge ago; errors go to onErr.
func (m *Model) Retain(ctx context.Context, maxAge, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := m.Store.Expire(ctx, time.Now().Add(-maxAge)); err != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
