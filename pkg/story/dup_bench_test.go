//go:build unix

package story

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkPlaceCopies places copies of one article (as newsbrief bench
// does: one article with a numbered sentence appended), all one story.
func BenchmarkPlaceCopies(b *testing.B) {
	store := &jsonStore{m: map[string]jsonEntry{}, window: DefaultConfig.Window}
	c := NewClusterer(Config{}, store)
	base := corpus()[0]
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		br := base
		br.ID = fmt.Sprintf("%032x", i)
		br.Body = base.Body + fmt.Sprintf(" Sentence number %d.", i)
		at := day0.Add(time.Duration(i) * time.Second)
		br.Source.PublishedAt, br.CreatedAt = &at, at
		if _, _, err := c.Place(ctx, br); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(store.bytes), "B-json")
}
