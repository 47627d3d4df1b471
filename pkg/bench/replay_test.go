package bench

import (
	"context"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

type countingEngines struct{ detects, extracts, summaries int }

func (c *countingEngines) Detect(title, body, hint string) (news.Language, error) {
	c.detects++
	return news.Language{Code: body}, nil
}

func (c *countingEngines) Entities(_ context.Context, a news.Article) ([]news.Entity, string, error) {
	c.extracts++
	return []news.Entity{{Name: a.Body}}, "offline", nil
}

func (c *countingEngines) Summarise(_ context.Context, x news.Extracted) (pipeline.Summary, error) {
	c.summaries++
	return pipeline.Summary{Headline: x.Article.Body}, nil
}

// TestReplay: the real engines run once; every later article gets the
// first article's results.
func TestReplay(t *testing.T) {
	c := &countingEngines{}
	p := Replay(&pipeline.Pipeline{Detector: c, Entities: c, Summariser: c})
	ctx := context.Background()
	for _, body := range []string{"first", "second", "third"} {
		lang, _ := p.Detector.Detect("", body, "")
		ents, _, _ := p.Entities.Entities(ctx, news.Article{Body: body})
		sum, _ := p.Summariser.Summarise(ctx, news.Extracted{Article: news.Article{Body: body}})
		if lang.Code != "first" || ents[0].Name != "first" || sum.Headline != "first" {
			t.Fatalf("article %q: %v %v %q, want the first article's results", body, lang, ents, sum.Headline)
		}
	}
	if c.detects != 1 || c.extracts != 1 || c.summaries != 1 {
		t.Errorf("real engines ran %d, %d, %d times, want once each", c.detects, c.extracts, c.summaries)
	}
}
