package pipeline

import (
	"context"
	"github.com/newsbrief/newsbrief/pkg/metrics"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func ms(starts ...int) []news.Mention {
	out := make([]news.Mention, len(starts))
	for i, s := range starts {
		out[i] = news.Mention{Start: s, End: s + 2}
	}
	return out
}

func val(v float64) *float64 { return &v }

func TestBoundEntities(t *testing.T) {
	l := Limits{MentionsPerEntity: 3, Entities: 2}
	in := []news.Entity{
		{Name: "$1", Type: news.Money, Value: val(1), Currency: "USD", Count: 2, Mentions: ms(10, 0)},
		{Name: "Rossi", Type: news.Person, Count: 1, Mentions: ms(5)},
		{Name: "$1", Type: news.Money, Value: val(1), Currency: "USD", Count: 3, Mentions: ms(20, 30, 0)}, // identical entity, one mention repeated
		{Name: "$1", Type: news.Money, Value: val(2), Currency: "USD", Count: 1, Mentions: ms(40)},        // another value: another entity
		{Name: "Milano", Type: news.Location, Count: 2, Mentions: ms(50, 60)},
	}
	orig := reflect.ValueOf(in[0].Mentions).Pointer()
	got, merged, dropM, dropE := BoundEntities(in, l)
	want := []news.Entity{
		{Name: "$1", Type: news.Money, Value: val(1), Currency: "USD", Count: 4, Mentions: ms(0, 10, 20)},
		{Name: "Milano", Type: news.Location, Count: 2, Mentions: ms(50, 60)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BoundEntities =\n%+v\nwant\n%+v", got, want)
	}
	if merged != 4 || dropM != 1 || dropE != 2 {
		t.Errorf("merged %d, dropped mentions %d, entities %d; want 4, 1, 2", merged, dropM, dropE)
	}
	if in[0].Mentions[0].Start != 10 || reflect.ValueOf(in[0].Mentions).Pointer() != orig {
		t.Errorf("BoundEntities modified its input: %+v", in[0].Mentions)
	}
	if got, _, _, _ := BoundEntities(nil, l); got == nil || len(got) != 0 {
		t.Errorf("BoundEntities(nil) = %#v, want an empty list", got)
	}
}

func TestLimitKindsInMetrics(t *testing.T) {
	for _, k := range []string{LimitMerged, LimitMentions, LimitEntities, LimitText} {
		if !slices.Contains(metrics.LimitKinds, k) {
			t.Errorf("%q is not in metrics.LimitKinds: its series would not start at 0", k)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"uno due tre quattro cinque", 14, "uno due…"},
		{"àààààààà", 8, "àà…"},
		{"abcdefghij", 8, "abcde…"},
	} {
		got := clip(tc.in, tc.max)
		if got != tc.want || len(got) > tc.max || !utf8.ValidString(got) {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

type fakeSummariser struct{ s Summary }

func (f fakeSummariser) Summarise(context.Context, news.Extracted) (Summary, error) { return f.s, nil }

type fakeEntities []news.Entity

func (f fakeEntities) Entities(context.Context, news.Article) ([]news.Entity, string, error) {
	return f, "llm:test", nil
}

// TestLimitsApplied: Extract bounds any engine's entities (here an "LLM"
// answer), Summarise any summariser's texts, and each cut is counted.
func TestLimitsApplied(t *testing.T) {
	counted := map[string]int{}
	many := make(fakeEntities, 300)
	for i := range many {
		many[i] = news.Entity{Name: strings.Repeat("x", i+1), Type: news.Org, Count: 40, Mentions: ms(make([]int, 40)...)}
	}
	long := strings.Repeat("parola ", 2000)
	p := &Pipeline{
		Entities:   many,
		Summariser: fakeSummariser{Summary{Headline: long, Summary: long, KeyPoints: []string{long, "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}},
		Limited:    func(what string, n int) { counted[what] += n },
	}
	a := news.Article{ID: "x", Body: "testo", Language: &news.Language{Code: "it"}}
	x, err := p.Extract(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Entities) != DefaultLimits.Entities {
		t.Errorf("%d entities, want %d", len(x.Entities), DefaultLimits.Entities)
	}
	br, err := p.Summarise(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	if len(br.Headline) > DefaultLimits.HeadlineBytes || len(br.Summary) > DefaultLimits.SummaryBytes ||
		len(br.KeyPoints) != DefaultLimits.KeyPoints || len(br.KeyPoints[0]) > DefaultLimits.KeyPointBytes {
		t.Errorf("brief over the limits: headline %d, summary %d, %d key points", len(br.Headline), len(br.Summary), len(br.KeyPoints))
	}
	want := map[string]int{LimitEntities: 100, LimitMerged: 300 * 39, LimitText: 4}
	if !reflect.DeepEqual(counted, want) {
		t.Errorf("counted %v, want %v", counted, want)
	}
}
