package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// The stories bucket is the cluster stage's compare-and-set store: Create
// fails on an existing story, Update on a stale revision, and the watch
// replays what is stored before going live.
func TestStoriesCompareAndSet(t *testing.T) {
	b, _ := bustest.New(t)
	ctx := context.Background()
	st, err := b.Stories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := &news.Story{ID: "st-abc", Members: []news.StoryMember{{ID: "a"}}}
	rev, err := st.Create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create(ctx, s); !errors.Is(err, bus.ErrExists) {
		t.Errorf("second Create: %v, want ErrExists", err)
	}
	s2 := &news.Story{ID: "st-abc", Members: []news.StoryMember{{ID: "a"}, {ID: "b"}}}
	rev2, err := st.Update(ctx, s2, rev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(ctx, s2, rev); !errors.Is(err, bus.ErrConflict) {
		t.Errorf("Update at a stale revision: %v, want ErrConflict", err)
	}
	got, grev, err := st.Get(ctx, "st-abc")
	if err != nil || grev != rev2 || len(got.Members) != 2 {
		t.Errorf("Get: %+v rev %d %v; want 2 members at rev %d", got, grev, err, rev2)
	}
	if _, _, err := st.Get(ctx, "st-none"); !errors.Is(err, bus.ErrNotFound) {
		t.Errorf("Get of a missing story: %v, want ErrNotFound", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	replayed := make(chan struct{})
	seen := make(chan *news.Story, 4)
	go func() {
		_ = st.Watch(wctx, func(s *news.Story, live bool) {
			if s == nil {
				close(replayed)
				return
			}
			seen <- s
		})
	}()
	select {
	case s := <-seen:
		if len(s.Members) != 2 {
			t.Errorf("replayed story has %d members, want 2", len(s.Members))
		}
	case <-wctx.Done():
		t.Fatal("the watch replayed nothing")
	}
	select {
	case <-replayed:
	case <-wctx.Done():
		t.Fatal("the watch never said the replay was over")
	}
	if err := b.PublishStoryUpdate(ctx, news.StoryUpdate{StoryID: "st-abc", ArticleID: "b"}); err != nil {
		t.Errorf("PublishStoryUpdate: %v", err)
	}
}
