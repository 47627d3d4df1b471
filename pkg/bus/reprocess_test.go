package bus_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// A reprocess run goes through the stages again and replaces the brief: one
// brief per id in the bucket, a second message on news.briefed, none dropped
// as a duplicate although the first run's Msg-Ids are still in the window.
func TestReprocessReplacesBriefs(t *testing.T) {
	b, _ := bustest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, 2)
	go func() { _ = bus.Record(ctx, b, 1, nil); done <- struct{}{} }()
	var runs atomic.Int32
	go func() {
		_ = bus.Run(ctx, b, bus.Spec[news.Article, news.Brief]{
			Name: "summarise", Subjects: []string{news.SubjectDetected + ".>"},
			Func: func(_ context.Context, a news.Article) (news.Brief, error) {
				n := runs.Add(1)
				return news.Brief{ID: a.ID, Language: *a.Language, Body: a.Body, Headline: map[int32]string{1: "first", 2: "second"}[n],
					Method: news.Method{PromptVersion: map[int32]string{1: "v1", 2: "v2"}[n]}}, nil
			},
			Route: func(br news.Brief) (string, string) {
				return news.Subject(news.SubjectBriefed, br.Language.Code), br.ID
			},
		})
		done <- struct{}{}
	}()
	t.Cleanup(func() { cancel(); <-done; <-done })

	briefs, err := b.Briefs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The first run: an article enters after detection.
	if n, err := b.Reprocess(context.Background(), "first", func(news.Brief) bool { return true }); err != nil || n != 0 {
		t.Fatalf("reprocess of an empty store: %d, %v", n, err)
	}
	a1 := news.ID("", "testo")
	if err := briefs.Put(context.Background(), news.Brief{ID: a1, Language: news.Language{Code: "it"}, Body: "testo", Method: news.Method{PromptVersion: "v0"}}); err != nil {
		t.Fatal(err)
	}
	for i, gen := range []string{"v1", "v2"} {
		n, err := b.Reprocess(context.Background(), gen, func(br news.Brief) bool { return br.Method.PromptVersion != gen })
		if err != nil || n != 1 {
			t.Fatalf("reprocess %s: queued %d, %v", gen, n, err)
		}
		bustest.Eventually(t, 10*time.Second, "brief replaced by run "+gen, func() bool {
			br, err := briefs.Get(context.Background(), a1)
			return err == nil && br.Method.PromptVersion == gen
		})
		if got := count(t, b, news.StreamNews, news.SubjectBriefed+".it"); got != i+1 {
			t.Errorf("after run %s: %d messages on news.briefed.it, want %d", gen, got, i+1)
		}
	}
	// Already at v2: nothing to do.
	if n, _ := b.Reprocess(context.Background(), "v2", func(br news.Brief) bool { return br.Method.PromptVersion != "v2" }); n != 0 {
		t.Errorf("reprocess of up-to-date briefs queued %d", n)
	}
	if _, err := b.Reprocess(context.Background(), "bad.gen", func(news.Brief) bool { return true }); err == nil {
		t.Error("a generation with a dot was accepted")
	}
}
