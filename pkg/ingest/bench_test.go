package ingest

import (
	"os"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/news"
)

func BenchmarkNormalise(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	s := news.Submission{Body: string(data)}
	now := time.Date(2025, 12, 17, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalise(s, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data, "text/plain", 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
