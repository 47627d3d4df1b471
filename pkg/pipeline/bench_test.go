package pipeline_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// BenchmarkStages times each stage function on the seed article with the
// offline engines, as `newsbrief serve` builds them.
func BenchmarkStages(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	det, err := langdetect.New([]string{"it", "en"})
	if err != nil {
		b.Fatal(err)
	}
	c := service.Config{EntitiesEngine: "offline", SummaryEngine: "offline", MaxBytes: 1 << 20}
	ents, sum, err := service.Engines(c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	p := &pipeline.Pipeline{Ingest: service.NewIngester(c), Detector: det, Entities: ents, Summariser: sum}
	ctx := context.Background()
	raw, _ := json.Marshal(news.Submission{Body: string(data)})
	r := pipeline.Raw{Data: raw, ContentType: "application/json"}
	a, err := p.IngestStage(ctx, r)
	if err != nil {
		b.Fatal(err)
	}
	d, err := p.Detect(ctx, a)
	if err != nil {
		b.Fatal(err)
	}
	x, err := p.Extract(ctx, d)
	if err != nil {
		b.Fatal(err)
	}
	br, err := p.Summarise(ctx, x)
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("ingest", func() error { _, err := p.IngestStage(ctx, r); return err })
	run("langdetect", func() error { _, err := p.Detect(ctx, a); return err })
	run("entities", func() error { _, err := p.Extract(ctx, d); return err })
	run("summarise", func() error { _, err := p.Summarise(ctx, x); return err })
	run("process", func() error { _, err := p.Process(ctx, r, ""); return err })
	// JSON between stages, as the bus carries it.
	run("json-article", func() error { _, err := json.Marshal(d); return err })
	run("json-extracted", func() error {
		data, err := json.Marshal(x)
		if err != nil {
			return err
		}
		var y news.Extracted
		return json.Unmarshal(data, &y)
	})
	run("json-brief", func() error { _, err := json.Marshal(br); return err })
}
