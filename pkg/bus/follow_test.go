package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// followed collects what Follow hands over until it has seen want changes
// and caught up.
type followed struct {
	changes []bus.BriefChange
	live    []bool
	lags    []uint64
}

func follow(t *testing.T, briefs *bus.Briefs, after uint64, want int, during func()) followed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got followed
	caughtUp := false
	err := briefs.Follow(ctx, after, 2, func(ctx context.Context, cs []bus.BriefChange, lag uint64, live bool) error {
		for _, c := range cs {
			got.changes = append(got.changes, bus.BriefChange{Seq: c.Seq, Key: c.Key, Data: append([]byte(nil), c.Data...)})
			got.live = append(got.live, live)
		}
		got.lags = append(got.lags, lag)
		if lag == 0 && !caughtUp {
			caughtUp = true
			if during != nil {
				during()
			}
		}
		if caughtUp && len(got.changes) >= want {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.changes) != want {
		t.Fatalf("Follow handed %d changes, want %d: %+v", len(got.changes), want, got.changes)
	}
	return got
}

func TestFollow(t *testing.T) {
	b, _ := bustest.New(t)
	ctx := context.Background()
	briefs, err := b.Briefs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if err := briefs.Put(ctx, news.Brief{ID: id, Headline: id}); err != nil {
			t.Fatal(err)
		}
	}
	kv, _ := b.JS.KeyValue(ctx, news.BucketBriefs)
	if err := kv.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	// From the start: what the bucket holds, in order, not live; b's put
	// was replaced by its deletion marker (one revision per key).
	got := follow(t, briefs, 0, 3, nil)
	keys := ""
	for i, c := range got.changes {
		keys += c.Key
		if got.live[i] {
			t.Errorf("change %d is live during the catch-up", i)
		}
		if i > 0 && c.Seq <= got.changes[i-1].Seq {
			t.Errorf("sequences out of order: %d after %d", c.Seq, got.changes[i-1].Seq)
		}
	}
	if keys != "acb" || got.changes[2].Data != nil || got.changes[0].Data == nil {
		t.Errorf("changes = %+v, want puts a c then b deleted", got.changes)
	}
	if last := got.lags[len(got.lags)-1]; last != 0 {
		t.Errorf("last lag = %d, want 0", last)
	}
	// Resuming after the second: only the deletion, then a new put, live.
	got = follow(t, briefs, got.changes[1].Seq, 2, func() {
		if err := briefs.Put(ctx, news.Brief{ID: "d"}); err != nil {
			t.Error(err)
		}
	})
	if got.changes[0].Key != "b" || got.changes[0].Data != nil || got.changes[1].Key != "d" || !got.live[1] {
		t.Errorf("resumed changes = %+v live %v, want b deleted then d live", got.changes, got.live)
	}
}
