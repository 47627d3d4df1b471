package bench

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestSplitTitle(t *testing.T) {
	for _, tc := range []struct{ in, title, body string }{
		{"Title\n\nBody text.", "Title", "Body text."},
		{"All body, no title.", "", "All body, no title."},
		{"date 2025\nline two\n\nrest", "", "date 2025\nline two\n\nrest"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := SplitTitle(tc.in)
			if got.Title != tc.title || got.Body != tc.body {
				t.Errorf("SplitTitle(%q) = %+v, want title %q body %q", tc.in, got, tc.title, tc.body)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	docs := []Doc{{Title: "A", Body: "uno due tre quattro"}, {Body: "five six"}}
	for _, size := range []int{0, 10, 100} {
		subs := Variants(docs, 5, size)
		seen := map[string]bool{}
		if subs.Len() != 5 {
			t.Fatalf("size %d: %d variants, want 5", size, subs.Len())
		}
		for i := range subs.Len() {
			data := subs.At(i)
			if again := subs.At(i); string(again) != string(data) {
				t.Errorf("size %d: variant %d differs when asked twice", size, i)
			}
			var s news.Submission
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatalf("variant %d: %v", i, err)
			}
			if seen[s.Body] {
				t.Errorf("size %d: variant %d repeats a body: %q", size, i, s.Body)
			}
			seen[s.Body] = true
			if size > 0 && len(s.Body) > size+20 {
				t.Errorf("size %d: variant %d has %d bytes", size, i, len(s.Body))
			}
		}
	}
}

func TestSummarise(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := Summarise(d)
	if got.N != 100 || got.P50 != 51*time.Millisecond || got.P99 != 100*time.Millisecond || got.Max != 100*time.Millisecond {
		t.Errorf("Summarise = %+v", got)
	}
	if (Summarise(nil) != Dist{}) {
		t.Errorf("Summarise(nil) is not zero")
	}
}
