package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
	"github.com/newsbrief/newsbrief/pkg/story"
)

// storyStore adapts bus.Stories to story.Store.
type storyStore struct{ s *bus.Stories }

func (a storyStore) Get(ctx context.Context, id string) (*news.Story, uint64, error) {
	st, rev, err := a.s.Get(ctx, id)
	if errors.Is(err, bus.ErrNotFound) {
		err = story.ErrNotFound
	}
	return st, rev, err
}

func (a storyStore) Create(ctx context.Context, st *news.Story) (uint64, error) {
	rev, err := a.s.Create(ctx, st)
	if errors.Is(err, bus.ErrExists) {
		err = story.ErrExists
	}
	return rev, err
}

func (a storyStore) Update(ctx context.Context, st *news.Story, rev uint64) (uint64, error) {
	n, err := a.s.Update(ctx, st, rev)
	if errors.Is(err, bus.ErrConflict) {
		err = story.ErrConflict
	}
	return n, err
}

// runCluster runs the cluster stage: the index is rebuilt from the stories
// bucket before the first brief is taken, and kept current by the bucket's
// watch (other replicas' writes); each brief is placed with
// compare-and-set (story.Clusterer), announced on news.story.updated, and
// its placement published on news.storied.<lang>.
func runCluster(ctx context.Context, b *bus.Bus, cfg story.Config, row news.StageSpec, workers int, observe func(bus.Outcome)) error {
	st, err := b.Stories(ctx)
	if err != nil {
		return err
	}
	c := story.NewClusterer(cfg, storyStore{st})
	replayed := make(chan struct{})
	var once sync.Once
	go func() {
		for ctx.Err() == nil {
			err := st.Watch(ctx, func(s *news.Story, _ bool) {
				if s == nil {
					once.Do(func() { close(replayed) })
					return
				}
				c.Load(s)
			}, c.Wrote)
			if err != nil && ctx.Err() == nil {
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
	select {
	case <-replayed:
	case <-ctx.Done():
		return nil
	}
	return bus.Run(ctx, b, bus.Spec[news.Brief, news.Placement]{
		Name: row.Consumer, Subjects: row.Inputs, Workers: workers, Observe: observe,
		Func: func(ctx context.Context, br news.Brief) (news.Placement, error) {
			if br.ID == "" || br.Language.Code == "" {
				return news.Placement{}, stage.Permanent(errors.New("brief without id or language"))
			}
			p, s, err := c.Place(ctx, br)
			if err != nil {
				return p, err
			}
			u := news.StoryUpdate{StoryID: s.ID, ArticleID: br.ID, Members: len(s.Members), Languages: s.Languages, UpdatedAt: s.UpdatedAt}
			return p, b.PublishStoryUpdate(ctx, u)
		},
		Route: func(p news.Placement) (string, string) {
			return news.Subject(news.SubjectStoried, p.Language), p.ArticleID
		},
	})
}
