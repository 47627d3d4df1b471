package amount

import (
	"os"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
)

func BenchmarkFind(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Find(text, "it")
	}
}

func BenchmarkNormalise(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Normalise("oltre 10 miliardi di dollari", "it")
	}
}
