package story

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Errors a Store returns.
var (
	// ErrNotFound: no story has the id.
	ErrNotFound = errors.New("story: not found")
	// ErrExists: Create found the story already stored.
	ErrExists = errors.New("story: already exists")
	// ErrConflict: Update's revision is no longer the latest (another
	// worker changed the story since it was read).
	ErrConflict = errors.New("story: revision conflict")
)

// Store keeps stories with revisions: the KV bucket news.BucketStories in
// production (package bus), a map in the evaluation (MemStore).
type Store interface {
	Get(ctx context.Context, id string) (*news.Story, uint64, error)
	Create(ctx context.Context, s *news.Story) (uint64, error)
	Update(ctx context.Context, s *news.Story, rev uint64) (uint64, error)
}

// Clusterer places briefs into stories: the cluster stage's logic.
//
// Several replicas may run at once. Each keeps its own Index, fed by its
// own placements and by every story the others write (Load, from the
// bucket's watch). A placement is written with compare-and-set: a new
// story with Create (its id comes from the founding article, so a
// redelivery or a second replica finds it exists), a join with Update at
// the revision read. When the write loses (ErrExists, ErrConflict) the
// stored story is loaded into the index and the article decided again;
// so an article is in exactly one story, and no update is lost.
type Clusterer struct {
	Store Store
	// Now is the clock for UpdatedAt (default time.Now).
	Now func() time.Time

	mu  sync.Mutex
	idx *Index
	// hot are the stories this worker wrote last, with their revisions:
	// a join to one of them needs no read (a stale one fails the
	// compare-and-set and is read again). Bounded by maxHot.
	hot     map[string]hotStory
	hotRing []string
}

type hotStory struct {
	s   *news.Story
	rev uint64
}

const maxHot = 1024

func (c *Clusterer) remember(s *news.Story, rev uint64) {
	if c.hot == nil {
		c.hot = map[string]hotStory{}
	}
	if _, ok := c.hot[s.ID]; !ok {
		c.hotRing = append(c.hotRing, s.ID)
		if len(c.hotRing) > maxHot {
			delete(c.hot, c.hotRing[0])
			c.hotRing = c.hotRing[1:]
		}
	}
	c.hot[s.ID] = hotStory{s, rev}
}

// get reads a story: from the hot cache when the index has seen exactly
// that version, else from the store.
func (c *Clusterer) get(ctx context.Context, id string) (*news.Story, uint64, error) {
	if h, ok := c.hot[id]; ok {
		if e := c.idx.stories[id]; e != nil && e.total == len(h.s.Members)+h.s.Dropped {
			return h.s, h.rev, nil
		}
		delete(c.hot, id)
	}
	return c.Store.Get(ctx, id)
}

// NewClusterer returns a Clusterer on store with an empty index; Load the
// stored stories before placing.
func NewClusterer(cfg Config, store Store) *Clusterer {
	return &Clusterer{Store: store, idx: NewIndex(cfg)}
}

// Load installs a stored story (rebuild at start, or another replica's
// write seen on the watch).
func (c *Clusterer) Load(s *news.Story) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idx.Load(s)
}

// Wrote reports whether rev of story id is a version this worker wrote,
// or an older one (so it has loaded it, or something newer, already).
func (c *Clusterer) Wrote(id string, rev uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hot[id]
	return ok && rev <= h.rev
}

// Index returns the index, for tests and measurements; not to be used
// while placing.
func (c *Clusterer) Index() *Index { return c.idx }

const maxAttempts = 8

// Place puts a brief in a story and returns the placement and the story as
// stored. An article already placed (a redelivery) gets its placement
// again and the story unchanged.
func (c *Clusterer) Place(ctx context.Context, br news.Brief) (news.Placement, *news.Story, error) {
	d := NewDoc(br)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if sid, ok := c.idx.StoryOf(br.ID); ok {
			s, _, err := c.Store.Get(ctx, sid)
			if errors.Is(err, ErrNotFound) {
				c.idx.forget(sid) // purged from the store: place again
				continue
			}
			if err != nil {
				return news.Placement{}, nil, fmt.Errorf("reading story %s: %w", sid, err)
			}
			if p, ok := placementOf(s, br.ID); ok {
				return p, s, nil
			}
			// Placed, but no longer listed (a long story lists its newest
			// members): it stays where it is.
			return news.Placement{ArticleID: br.ID, StoryID: sid, Language: d.Lang, Evidence: news.Evidence{Decision: "joined"}}, s, nil
		}
		dec := c.idx.Decide(d)
		p := dec.Placement
		if p.New {
			s := Build(nil, d, dec, now())
			rev, err := c.Store.Create(ctx, s)
			if errors.Is(err, ErrExists) {
				if err := c.reload(ctx, p.StoryID); err != nil {
					return news.Placement{}, nil, err
				}
				continue
			}
			if err != nil {
				return news.Placement{}, nil, fmt.Errorf("creating story %s: %w", s.ID, err)
			}
			c.idx.Load(s)
			c.remember(s, rev)
			return p, s, nil
		}
		prev, rev, err := c.get(ctx, p.StoryID)
		if errors.Is(err, ErrNotFound) {
			// Gone from the store (purged): decide without it.
			c.idx.forget(p.StoryID)
			continue
		}
		if err != nil {
			return news.Placement{}, nil, fmt.Errorf("reading story %s: %w", p.StoryID, err)
		}
		if q, ok := placementOf(prev, br.ID); ok {
			c.idx.Load(prev)
			return q, prev, nil
		}
		if e := c.idx.stories[p.StoryID]; e == nil || e.total != len(prev.Members)+prev.Dropped {
			// Another replica added members since: decide again on the
			// story as it is now.
			c.idx.Load(prev)
			continue
		}
		s := Build(prev, d, dec, now())
		nrev, err := c.Store.Update(ctx, s, rev)
		if errors.Is(err, ErrConflict) {
			delete(c.hot, p.StoryID)
			if err := c.reload(ctx, p.StoryID); err != nil {
				return news.Placement{}, nil, err
			}
			continue
		}
		if err != nil {
			return news.Placement{}, nil, fmt.Errorf("updating story %s: %w", s.ID, err)
		}
		c.idx.Load(s)
		c.remember(s, nrev)
		return p, s, nil
	}
	return news.Placement{}, nil, fmt.Errorf("placing article %s: story writes kept conflicting", br.ID)
}

func (c *Clusterer) reload(ctx context.Context, id string) error {
	s, _, err := c.Store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("reading story %s: %w", id, err)
	}
	c.idx.Load(s)
	return nil
}

// placementOf rebuilds the placement of a member from the stored story.
func placementOf(s *news.Story, articleID string) (news.Placement, bool) {
	for i, m := range s.Members {
		if m.ID != articleID {
			continue
		}
		p := news.Placement{ArticleID: m.ID, StoryID: s.ID, Language: m.Language, New: i == 0, DuplicateOf: m.DuplicateOf}
		p.Evidence = news.Evidence{Decision: "joined", Score: m.Score, Matched: m.Matched}
		switch {
		case m.DuplicateOf != "":
			p.Evidence.Decision = "duplicate"
		case i == 0:
			p.Evidence.Decision = "opened"
		}
		return p, true
	}
	return news.Placement{}, false
}

// forget drops a story from the index (it is no longer stored).
func (x *Index) forget(id string) {
	if e := x.stories[id]; e != nil {
		e.dead = true
		delete(x.stories, id)
		for _, m := range e.members {
			delete(x.article, m.id)
		}
	}
}

// MemStore is a Store in memory, for the evaluation and tests.
type MemStore struct {
	mu sync.Mutex
	m  map[string]memEntry
}

type memEntry struct {
	s   *news.Story
	rev uint64
}

func (m *MemStore) Get(_ context.Context, id string) (*news.Story, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[id]
	if !ok {
		return nil, 0, ErrNotFound
	}
	return e.s, e.rev, nil
}

func (m *MemStore) Create(_ context.Context, s *news.Story) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]memEntry{}
	}
	if _, ok := m.m[s.ID]; ok {
		return 0, ErrExists
	}
	m.m[s.ID] = memEntry{s, 1}
	return 1, nil
}

func (m *MemStore) Update(_ context.Context, s *news.Story, rev uint64) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[s.ID]
	if !ok || e.rev != rev {
		return 0, ErrConflict
	}
	m.m[s.ID] = memEntry{s, rev + 1}
	return rev + 1, nil
}

// All returns every stored story.
func (m *MemStore) All() []*news.Story {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*news.Story, 0, len(m.m))
	for _, e := range m.m {
		out = append(out, e.s)
	}
	return out
}
