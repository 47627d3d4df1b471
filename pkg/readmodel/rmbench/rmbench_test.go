package rmbench

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmtest"
)

var benchN = flag.Int("briefs", 10_000, "briefs loaded before the query benchmarks")

// TestSmall runs the whole measurement on a small store of each kind, so
// that the bench command's code is exercised by the tests.
func TestSmall(t *testing.T) {
	for kind, open := range rmtest.Kinds(t) {
		t.Run(kind, func(t *testing.T) {
			s, reopen := open(t)
			s.Close()
			res, err := Run(context.Background(), func(context.Context) (readmodel.Store, error) { return reopen(), nil }, "", []int{300, 600}, 20, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 2 || res[1].N != 600 || res[1].IngestPerSec <= 0 || res[1].Search.P99 <= 0 {
				t.Errorf("results: %+v", res)
			}
		})
	}
}

// BenchmarkStore loads -briefs synthetic briefs into each store, then
// times Apply, a list, a filter and a search per op.
func BenchmarkStore(b *testing.B) {
	for kind, open := range rmtest.Kinds(b) {
		b.Run(kind, func(b *testing.B) {
			s, _ := open(b)
			ctx := context.Background()
			g := NewGen(1)
			if _, _, err := Load(ctx, s, g, 0, *benchN); err != nil {
				b.Fatal(err)
			}
			b.Run("ingest", func(b *testing.B) {
				n := *benchN
				for b.Loop() {
					if _, _, err := Load(ctx, s, g, n, n+1); err != nil {
						b.Fatal(err)
					}
					n++
				}
			})
			for name, q := range map[string]readmodel.Query{
				"list":   {Limit: 20},
				"topic":  {Filter: readmodel.Filter{Topic: "topic3"}, Limit: 20},
				"entity": {Filter: readmodel.Filter{Entity: "Entity 700"}, Limit: 20},
				"search": {Filter: readmodel.Filter{Query: "investimenti mercato"}, Limit: 20},
			} {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := s.List(ctx, q); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}
