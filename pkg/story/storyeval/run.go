package storyeval

import (
	"context"
	"fmt"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/story"
)

// BriefFunc makes an article's brief: the real pipeline, in-process.
type BriefFunc func(ctx context.Context, it Item) (news.Brief, error)

// Placed is one article's outcome, for a verbose report.
type Placed struct {
	Item      Item
	Placement news.Placement
}

// Briefs briefs every item, in order. An undated item gets the time of
// the item before it.
func Briefs(ctx context.Context, items []Item, brief BriefFunc) ([]news.Brief, error) {
	var last time.Time
	out := make([]news.Brief, 0, len(items))
	for _, it := range items {
		br, err := brief(ctx, it)
		if err != nil {
			return nil, fmt.Errorf("briefing %s: %w", it.File, err)
		}
		t := it.Published
		if t.IsZero() {
			t = last
		}
		last = t
		if !t.IsZero() {
			br.Source.PublishedAt = &t
			br.CreatedAt = t
		}
		if br.Source.Name == "" {
			br.Source.Name = it.Source
		}
		if br.Source.URL == "" {
			br.Source.URL = it.URL
		}
		out = append(out, br)
	}
	return out, nil
}

// Run places the items' briefs (from Briefs) in order with a fresh
// Clusterer on a MemStore, and scores the result.
func Run(ctx context.Context, items []Item, briefs []news.Brief, cfg story.Config) (Report, []Placed, *story.MemStore, error) {
	store := &story.MemStore{}
	c := story.NewClusterer(cfg, store)
	pred := map[string]Prediction{}
	fileOf := map[string]string{}
	var out []Placed
	for i, it := range items {
		br := briefs[i]
		p, _, err := c.Place(ctx, br)
		if err != nil {
			return Report{}, nil, nil, fmt.Errorf("placing %s: %w", it.File, err)
		}
		if _, ok := fileOf[br.ID]; !ok {
			fileOf[br.ID] = it.File
		}
		pr := Prediction{Story: p.StoryID}
		if p.DuplicateOf != "" {
			pr.DuplicateOf = fileOf[p.DuplicateOf]
		}
		pred[it.File] = pr
		out = append(out, Placed{it, p})
	}
	return Score(items, pred), out, store, nil
}
