package ingest

import (
	"encoding/json"
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

// BenchmarkPrepare is what the gateway and the ingest stage do with a JSON
// submission: Decode, then Normalise.
func BenchmarkPrepare(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	raw, _ := json.Marshal(news.Submission{Body: string(data)})
	now := time.Date(2025, 12, 17, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Decode(raw, "application/json", 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Normalise(s, now); err != nil {
			b.Fatal(err)
		}
	}
}
