package readmodel_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmtest"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// brief makes a small brief of our own; i orders creation times.
func brief(id, lang string, i int, headline, body string, topics []string, entities ...string) news.Brief {
	br := news.Brief{
		ID: id, SchemaVersion: "1", Language: news.Language{Code: lang}, Title: headline, Headline: headline,
		Summary: headline + ".", KeyPoints: []string{headline}, Topics: topics, Body: body,
		CreatedAt: t0.Add(time.Duration(i) * time.Minute),
	}
	for _, e := range entities {
		br.Entities = append(br.Entities, news.Entity{Name: e, Type: news.Org, Count: 1, Mentions: []news.Mention{{Start: 0, End: 1}}})
	}
	return br
}

// corpus is six briefs, three Italian and three English.
func corpus() []news.Brief {
	pub := t0.Add(-48 * time.Hour)
	b := []news.Brief{
		brief("it1", "it", 1, "Nuovi investimenti nei data center di Milano", "La società annuncia un investimento di cento milioni nei centri dati lombardi.", []string{"cloud", "economia"}, "Aruba", "Milano"),
		brief("it2", "it", 2, "Il governo approva la legge sull'intelligenza artificiale", "Il parlamento ha votato le nuove regole per i modelli linguistici.", []string{"politica"}, "Parlamento"),
		brief("it3", "it", 3, "Le startup italiane raccolgono fondi record", "Gli investitori hanno puntato su cinquanta giovani imprese.", []string{"economia"}, "Milano"),
		brief("en1", "en", 4, "Chipmaker opens a new factory in Ohio", "The company is investing billions in chip manufacturing plants.", []string{"hardware"}, "Intel"),
		brief("en2", "en", 5, "Regulators fine a social network", "The fine follows an investigation into data transfers.", []string{"politica", "privacy"}, "Meta"),
		brief("en3", "en", 6, "Cloud providers cut prices", "Several providers announced cheaper storage tiers for developers.", []string{"cloud"}, "Amazon"),
	}
	b[0].Source.PublishedAt = &pub // published two days before it was briefed
	return b
}

func change(t testing.TB, seq uint64, br news.Brief) readmodel.Change {
	t.Helper()
	data, err := json.Marshal(br)
	if err != nil {
		t.Fatal(err)
	}
	return readmodel.Change{Seq: seq, ID: br.ID, Data: data}
}

func load(t testing.TB, s readmodel.Store, briefs []news.Brief) uint64 {
	t.Helper()
	var cs []readmodel.Change
	for i, br := range briefs {
		cs = append(cs, change(t, uint64(i+1), br))
	}
	cp, err := s.Apply(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func ids(briefs []news.Brief) []string {
	out := []string{}
	for _, br := range briefs {
		out = append(out, br.ID)
	}
	return out
}

func TestStores(t *testing.T) {
	for kind, open := range rmtest.Kinds(t) {
		t.Run(kind, func(t *testing.T) {
			t.Run("filters", func(t *testing.T) {
				s, _ := open(t)
				load(t, s, corpus())
				testFilters(t, s)
			})
			t.Run("paging", func(t *testing.T) {
				s, _ := open(t)
				testPaging(t, s)
			})
			t.Run("changes", func(t *testing.T) {
				s, reopen := open(t)
				testChanges(t, s, reopen)
			})
		})
	}
}

func testFilters(t *testing.T, s readmodel.Store) {
	ctx := context.Background()
	tests := []struct {
		name string
		q    readmodel.Query
		want []string
	}{
		{"all, newest first", readmodel.Query{}, []string{"en3", "en2", "en1", "it3", "it2", "it1"}},
		{"lang", readmodel.Query{Filter: readmodel.Filter{Lang: "it"}}, []string{"it3", "it2", "it1"}},
		{"topic", readmodel.Query{Filter: readmodel.Filter{Topic: "cloud"}}, []string{"en3", "it1"}},
		{"entity by name, any case", readmodel.Query{Filter: readmodel.Filter{Entity: "milano"}}, []string{"it3", "it1"}},
		{"entity and lang", readmodel.Query{Filter: readmodel.Filter{Entity: "Milano", Topic: "economia", Lang: "it"}}, []string{"it3", "it1"}},
		{"italian stemming: plural finds singular", readmodel.Query{Filter: readmodel.Filter{Query: "investimenti"}}, []string{"it1"}},
		{"italian stemming: body word", readmodel.Query{Filter: readmodel.Filter{Query: "regola"}}, []string{"it2"}},
		{"english stemming: investing finds invest*", readmodel.Query{Filter: readmodel.Filter{Query: "invests", Lang: "en"}}, []string{"en1"}},
		{"english stemming: price finds prices", readmodel.Query{Filter: readmodel.Filter{Query: "price"}}, []string{"en3"}},
		{"all words must appear", readmodel.Query{Filter: readmodel.Filter{Query: "cheaper storage"}}, []string{"en3"}},
		{"words in no brief", readmodel.Query{Filter: readmodel.Filter{Query: "storage parlamento"}}, []string{}},
		{"query syntax is text", readmodel.Query{Filter: readmodel.Filter{Query: `fine")*(`}}, []string{"en2"}},
		{"since on published", readmodel.Query{Filter: readmodel.Filter{Since: t0.Add(4 * time.Minute)}}, []string{"en3", "en2", "en1"}},
		{"until on published", readmodel.Query{Filter: readmodel.Filter{Until: t0}}, []string{"it1"}},
		{"by published", readmodel.Query{Sort: readmodel.ByPublished, Filter: readmodel.Filter{Lang: "it"}}, []string{"it3", "it2", "it1"}},
		{"by published, range", readmodel.Query{Sort: readmodel.ByPublished, Filter: readmodel.Filter{Since: t0.Add(-72 * time.Hour), Until: t0.Add(3 * time.Minute)}}, []string{"it2", "it1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, err := s.List(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) || next != "" {
				t.Errorf("List = %v next %q, want %v", ids(got), next, tt.want)
			}
			for _, br := range got {
				if br.Body != "" || (len(br.Entities) > 0 && br.Entities[0].Mentions != nil) {
					t.Errorf("%s: listing keeps the body or mentions", br.ID)
				}
				if !tt.q.Filter.Match(br) && tt.q.Filter.Query == "" {
					t.Errorf("%s: the store returned it but Filter.Match refuses it", br.ID)
				}
			}
		})
	}
	if _, _, err := s.List(ctx, readmodel.Query{Cursor: "bm9wZQ"}); !errors.Is(err, readmodel.ErrCursor) {
		t.Errorf("bad cursor: err = %v, want ErrCursor", err)
	}
	if n, err := s.Count(ctx); err != nil || n != 6 {
		t.Errorf("Count = %d, %v; want 6", n, err)
	}
	got, ok, err := s.After(ctx, "it3", readmodel.Filter{Topic: "cloud"}, 10)
	if err != nil || !ok || !slices.Equal(ids(got), []string{"en3"}) {
		t.Errorf("After(it3, cloud) = %v %v %v, want [en3] true", ids(got), ok, err)
	}
	if _, ok, _ := s.After(ctx, "nope", readmodel.Filter{}, 10); ok {
		t.Error("After an unknown id: ok")
	}
}

// testPaging pages through briefs while newer and older ones arrive: every
// brief present from the start is seen exactly once.
func testPaging(t *testing.T, s readmodel.Store) {
	ctx := context.Background()
	var first []news.Brief
	for i := range 25 {
		first = append(first, brief(string(rune('a'+i))+"x", "en", 100+i%5*10, "Story", "Words.", []string{"t"}))
	}
	seq := load(t, s, first)
	for _, sort := range []readmodel.Sort{readmodel.ByCreated, readmodel.ByPublished} {
		seen := map[string]int{}
		q := readmodel.Query{Limit: 4, Sort: sort}
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			page, next, err := s.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, br := range page {
				seen[br.ID]++
			}
			// A newer and an older brief arrive between pages.
			seq++
			if _, err := s.Apply(ctx, []readmodel.Change{
				change(t, seq, brief("new"+string(sort)+string(rune('a'+pages)), "en", 1000+pages, "Late", "w", nil)),
			}); err != nil {
				t.Fatal(err)
			}
			if next == "" {
				break
			}
			q.Cursor = next
		}
		for _, br := range first {
			if seen[br.ID] != 1 {
				t.Errorf("%s: %s seen %d times", sort, br.ID, seen[br.ID])
			}
		}
	}
}

// testChanges covers replacement, deletion, the checkpoint and restarts.
func testChanges(t *testing.T, s readmodel.Store, reopen func() readmodel.Store) {
	ctx := context.Background()
	cp := load(t, s, corpus())
	if cp != 6 {
		t.Fatalf("checkpoint = %d, want 6", cp)
	}
	// Reprocessing it1 replaces it: new text, new topic.
	it1 := corpus()[0]
	it1 = brief("it1", "it", 1, "Accordo sui semiconduttori", "Firmato un accordo per la produzione di chip.", []string{"hardware"}, "Aruba")
	del := readmodel.Change{Seq: 8, ID: "en2"}
	if cp, err := s.Apply(ctx, []readmodel.Change{change(t, 7, it1), del}); err != nil || cp != 8 {
		t.Fatalf("Apply = %d, %v", cp, err)
	}
	// The same changes again (a redelivery) and an older one are no-ops.
	if cp, err := s.Apply(ctx, []readmodel.Change{change(t, 3, corpus()[0]), change(t, 7, corpus()[0]), del}); err != nil || cp != 8 {
		t.Fatalf("Apply again = %d, %v", cp, err)
	}
	check := func(s readmodel.Store) {
		t.Helper()
		for _, c := range []struct {
			f    readmodel.Filter
			want []string
		}{
			{readmodel.Filter{Query: "investimenti"}, []string{}},
			{readmodel.Filter{Query: "semiconduttore"}, []string{"it1"}},
			{readmodel.Filter{Topic: "cloud"}, []string{"en3"}},
			{readmodel.Filter{Topic: "hardware"}, []string{"en1", "it1"}},
			{readmodel.Filter{Entity: "Meta"}, []string{}},
			{readmodel.Filter{}, []string{"en3", "en1", "it3", "it2", "it1"}},
		} {
			got, _, err := s.List(ctx, readmodel.Query{Filter: c.f})
			if err != nil || !slices.Equal(ids(got), c.want) {
				t.Errorf("List(%+v) = %v, %v; want %v", c.f, ids(got), err, c.want)
			}
		}
	}
	check(s)
	s.Close()
	s = reopen()
	if cp, err := s.Checkpoint(ctx); err != nil || cp != 8 {
		t.Fatalf("checkpoint after reopening = %d, %v; want 8", cp, err)
	}
	check(s)
	// Retention drops what was created before the cut.
	n, err := s.Expire(ctx, t0.Add(3*time.Minute+time.Second))
	if err != nil || n != 3 {
		t.Fatalf("Expire = %d, %v; want 3", n, err)
	}
	got, _, _ := s.List(ctx, readmodel.Query{})
	if !slices.Equal(ids(got), []string{"en3", "en1"}) {
		t.Errorf("after Expire: %v", ids(got))
	}
	if got, _, _ := s.List(ctx, readmodel.Query{Filter: readmodel.Filter{Query: "parlamento"}}); len(got) != 0 {
		t.Errorf("an expired brief is still found by search: %v", ids(got))
	}
	// Reset forgets everything, the checkpoint too; the store works after.
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, _ := s.Checkpoint(ctx); cp != 0 {
		t.Errorf("checkpoint after Reset = %d", cp)
	}
	if got, _, _ := s.List(ctx, readmodel.Query{Filter: readmodel.Filter{Query: "cloud"}}); len(got) != 0 {
		t.Errorf("after Reset: %v", ids(got))
	}
	if cp := load(t, s, corpus()[:1]); cp != 1 {
		t.Errorf("checkpoint after a new load = %d", cp)
	}
	if got, _, _ := s.List(ctx, readmodel.Query{Filter: readmodel.Filter{Query: "investimenti"}}); !slices.Equal(ids(got), []string{"it1"}) {
		t.Errorf("after Reset and a new load: %v", ids(got))
	}
}

// TestEntityID: an entity filter matches a knowledge-base id as well as a
// name, whether or not news.Entity carries the id.
func TestEntityID(t *testing.T) {
	for kind, open := range rmtest.Kinds(t) {
		t.Run(kind, func(t *testing.T) {
			s, _ := open(t)
			data := []byte(`{"id":"k1","language":{"code":"it"},"headline":"x","created_at":"2026-03-01T08:00:00Z","entities":[{"id":"Q95","name":"Google","type":"ORG"}]}`)
			if _, err := s.Apply(context.Background(), []readmodel.Change{{Seq: 1, ID: "k1", Data: data}}); err != nil {
				t.Fatal(err)
			}
			for _, e := range []string{"Q95", "google", "Google"} {
				got, _, err := s.List(context.Background(), readmodel.Query{Filter: readmodel.Filter{Entity: e}})
				if err != nil || len(got) != 1 {
					t.Errorf("entity %q: %v, %v", e, ids(got), err)
				}
			}
			if got, _, _ := s.List(context.Background(), readmodel.Query{Filter: readmodel.Filter{Entity: "q95"}}); len(got) != 0 {
				t.Errorf("a KB id matched in the wrong case")
			}
		})
	}
}

// TestBadChange: a brief whose id is not its key, or that is not JSON, is
// reported and applied as a deletion; the rest of the batch is applied and
// the checkpoint moves on.
func TestBadChange(t *testing.T) {
	for kind, open := range rmtest.Kinds(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			s, _ := open(t)
			load(t, s, corpus()[:2])
			bad := change(t, 3, corpus()[1])
			bad.ID = "it1" // it2's brief under it1's key
			cp, err := s.Apply(ctx, []readmodel.Change{bad, {Seq: 4, ID: "x", Data: []byte("{")}, change(t, 5, corpus()[2])})
			if !errors.Is(err, readmodel.ErrBadBrief) {
				t.Fatalf("Apply err = %v, want ErrBadBrief", err)
			}
			if cp != 5 {
				t.Errorf("checkpoint = %d, want 5", cp)
			}
			got, _, _ := s.List(ctx, readmodel.Query{})
			if !slices.Equal(ids(got), []string{"it3", "it2"}) {
				t.Errorf("after a bad batch: %v, want [it3 it2]", ids(got))
			}
		})
	}
}
