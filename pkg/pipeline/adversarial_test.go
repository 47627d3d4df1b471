package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// adversarial bodies of about n bytes: each is valid input that used to
// amplify work or output (issue #13, item 6).
func adversarial(n int) map[string]string {
	fill := func(unit string) string { return strings.Repeat(unit, max(1, n/len(unit))) }
	var names strings.Builder
	first := []string{"Marco", "Giulia", "Luca", "Anna", "Paolo", "Sara", "Matteo", "Elena", "Davide", "Chiara"}
	last := []string{"Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno"}
	for i := 0; names.Len() < n; i++ {
		fmt.Fprintf(&names, "%s %s ", first[i%10], last[(i/10)%10])
	}
	return map[string]string{
		"amounts-only":   fill("$1 "),
		"money-phrases":  fill("Amazon investe 10 miliardi di dollari, "),
		"names-only":     names.String(),
		"one-sentence":   fill("la società di Milano ha investito molto nel cloud "),
		"20k-sentences":  strings.Repeat("Amazon ha investito 10 milioni di euro a Milano. ", min(20000, n/49)),
		"orgs-sentences": fill("Microsoft, Google e Nvidia firmano a Roma. "),
	}
}

var (
	offlineOnce sync.Once
	offlineP    *pipeline.Pipeline
	offlineErr  error
)

// offline builds the pipeline `newsbrief serve` runs with the offline engines.
func offline(tb testing.TB) *pipeline.Pipeline {
	tb.Helper()
	offlineOnce.Do(func() {
		det, err := langdetect.New([]string{"it", "en"})
		if err != nil {
			offlineErr = err
			return
		}
		c := service.Config{EntitiesEngine: "offline", SummaryEngine: "offline", MaxBytes: 1 << 20}
		ents, sum, err := service.Engines(c, slog.New(slog.NewTextHandler(io.Discard, nil)))
		offlineP, offlineErr = &pipeline.Pipeline{Ingest: service.NewIngester(c), Detector: det, Entities: ents, Summariser: sum}, err
	})
	if offlineErr != nil {
		tb.Fatal(offlineErr)
	}
	return offlineP
}

// entityOverhead bounds what entities and brief texts add to an article, in
// JSON bytes, under DefaultLimits: 200 entities of 64 mentions each.
const entityOverhead = 512 << 10

// TestAdversarialBounded: on each adversarial body the entities stage's
// output and the brief are the article plus at most entityOverhead bytes,
// within the documented limits (issue #13, item 6: 1 MiB of "$1 " made a
// 27 MB brief).
func TestAdversarialBounded(t *testing.T) {
	p := offline(t)
	l := pipeline.DefaultLimits
	for name, body := range adversarial(256 << 10) {
		t.Run(name, func(t *testing.T) {
			a := news.Article{ID: "adversarial", Body: body, Language: &news.Language{Code: "it", Confidence: 1}}
			in, _ := json.Marshal(a)
			x, err := p.Extract(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Entities) > l.Entities {
				t.Errorf("%d entities, limit %d", len(x.Entities), l.Entities)
			}
			for _, e := range x.Entities {
				if len(e.Mentions) > l.MentionsPerEntity {
					t.Errorf("entity %q has %d mentions, limit %d", e.Name, len(e.Mentions), l.MentionsPerEntity)
				}
			}
			xb, _ := json.Marshal(x)
			if len(xb) > len(in)+entityOverhead {
				t.Errorf("entities output %d bytes for an article of %d: more than %d over", len(xb), len(in), entityOverhead)
			}
			br, err := p.Summarise(context.Background(), x)
			if err != nil {
				t.Fatal(err)
			}
			bb, _ := json.Marshal(br)
			if len(bb) > len(in)+entityOverhead {
				t.Errorf("brief %d bytes for an article of %d: more than %d over", len(bb), len(in), entityOverhead)
			}
			if len(br.Summary) > l.SummaryBytes || len(br.KeyPoints) > l.KeyPoints {
				t.Errorf("summary %d bytes, %d key points: over the limits", len(br.Summary), len(br.KeyPoints))
			}
		})
	}
}

// BenchmarkAdversarial runs the entities and summarise stages on each 1 MiB
// adversarial body and reports the output's size per input byte: it must
// stay near 1 (the brief carries the body) whatever the body.
//
//	go test -run XXX -bench Adversarial -benchtime 3x ./pkg/pipeline/
func BenchmarkAdversarial(b *testing.B) {
	p := offline(b)
	bodies := adversarial(1<<20 - 512)
	for _, name := range []string{"amounts-only", "money-phrases", "names-only", "one-sentence", "20k-sentences", "orgs-sentences"} {
		b.Run(name, func(b *testing.B) {
			a := news.Article{ID: "adversarial", Body: bodies[name], Language: &news.Language{Code: "it", Confidence: 1}}
			in, _ := json.Marshal(a)
			var out, ents, mentions int
			b.ReportAllocs()
			for b.Loop() {
				x, err := p.Extract(context.Background(), a)
				if err != nil {
					b.Fatal(err)
				}
				br, err := p.Summarise(context.Background(), x)
				if err != nil {
					b.Fatal(err)
				}
				bb, _ := json.Marshal(br)
				out, ents, mentions = len(bb), len(br.Entities), 0
				for _, e := range br.Entities {
					mentions += len(e.Mentions)
				}
			}
			b.ReportMetric(float64(out)/float64(len(in)), "brief/in")
			b.ReportMetric(float64(ents), "entities")
			b.ReportMetric(float64(mentions), "mentions")
		})
	}
}
