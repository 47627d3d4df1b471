package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Errors of the story store, for compare-and-set.
var (
	// ErrExists is returned by Stories.Create for a story already stored.
	ErrExists = errors.New("bus: already exists")
	// ErrConflict is returned by Stories.Update when the story's revision
	// is no longer the one given: someone else wrote it in between.
	ErrConflict = errors.New("bus: revision conflict")
)

// Stories is KV bucket news.BucketStories: story id → news.Story, written
// only by the cluster stage, with the key's revision as the
// compare-and-set token.
type Stories struct{ kv jetstream.KeyValue }

// Stories opens the story store, declaring the bucket. Only the cluster
// stage and the gateway use it, so it is not declared by every worker. In
// BindOnly mode it binds to the bucket `newsbrief setup` declared.
func (b *Bus) Stories(ctx context.Context) (*Stories, error) {
	if b.cfg.BindOnly {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		kv, err := b.JS.KeyValue(ctx, news.BucketStories)
		if err != nil {
			return nil, fmt.Errorf("binding KV bucket %s (run `newsbrief setup` first): %w", news.BucketStories, err)
		}
		return &Stories{kv}, nil
	}
	kv, err := b.declareRetrying(ctx, b.declareStories)
	if err != nil {
		return nil, err
	}
	return &Stories{kv}, nil
}

func (b *Bus) declareStories(ctx context.Context) (jetstream.KeyValue, error) {
	kv, err := b.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: news.BucketStories, Description: "stories by id (the cluster stage)", History: 1,
		Storage: jetstream.FileStorage, Replicas: b.cfg.Replicas, MaxValueSize: b.cfg.MaxMsgSize, Compression: true,
		MaxBytes: b.cfg.maxBytes("KV_" + news.BucketStories),
	})
	if err != nil {
		return nil, fmt.Errorf("declaring KV bucket %s: %w", news.BucketStories, err)
	}
	return kv, nil
}

// Get returns a story and its revision, or ErrNotFound.
func (s *Stories) Get(ctx context.Context, id string) (*news.Story, uint64, error) {
	if !validKey(id) {
		return nil, 0, ErrNotFound
	}
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("reading story %s: %w", id, err)
	}
	var st news.Story
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return nil, 0, fmt.Errorf("decoding story %s: %w", id, err)
	}
	return &st, e.Revision(), nil
}

// Create stores a new story, or returns ErrExists.
func (s *Stories) Create(ctx context.Context, st *news.Story) (uint64, error) {
	data, err := s.encode(st)
	if err != nil {
		return 0, err
	}
	rev, err := s.kv.Create(ctx, st.ID, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, ErrExists
	}
	if err != nil {
		return 0, fmt.Errorf("creating story %s: %w", st.ID, err)
	}
	return rev, nil
}

// Update replaces a story if its revision is still rev, else returns
// ErrConflict.
func (s *Stories) Update(ctx context.Context, st *news.Story, rev uint64) (uint64, error) {
	data, err := s.encode(st)
	if err != nil {
		return 0, err
	}
	n, err := s.kv.Update(ctx, st.ID, data, rev)
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return 0, ErrConflict
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence {
		return 0, ErrConflict
	}
	if err != nil {
		return 0, fmt.Errorf("updating story %s: %w", st.ID, err)
	}
	return n, nil
}

func (s *Stories) encode(st *news.Story) ([]byte, error) {
	if !validKey(st.ID) {
		return nil, fmt.Errorf("story id %q cannot be a key", st.ID)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encoding story %s: %w", st.ID, err)
	}
	return data, nil
}

// Watch calls fn for every stored story, then for each one written, until
// ctx is done; live is false during the initial replay, and fn is called
// once with nil when the replay is over. skip, if set, is asked first with
// the key and revision: a writer need not decode what it wrote itself.
func (s *Stories) Watch(ctx context.Context, fn func(st *news.Story, live bool), skip ...func(id string, rev uint64) bool) error {
	return watchPuts(ctx, s.kv, "stories", func(e jetstream.KeyValueEntry, live bool) {
		switch {
		case e == nil:
			fn(nil, false)
		case len(skip) > 0 && skip[0] != nil && skip[0](e.Key(), e.Revision()):
		default:
			var st news.Story
			if json.Unmarshal(e.Value(), &st) == nil {
				fn(&st, live)
			}
		}
	})
}

// PublishStoryUpdate announces a changed story on news.story.updated. The
// Msg-Id is the story and the article that changed it, so a redelivered
// placement does not announce twice.
func (b *Bus) PublishStoryUpdate(ctx context.Context, u news.StoryUpdate) error {
	data, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encoding story update %s: %w", u.StoryID, err)
	}
	return b.publish(ctx, news.SubjectStoryUpdated, u.StoryID+"."+u.ArticleID, news.StageCluster+".updated", data, nil)
}
