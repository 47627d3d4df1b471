package story

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

var day0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func brief(id, lang, title, body string, at time.Time, ents ...news.Entity) news.Brief {
	return news.Brief{ID: id, Language: news.Language{Code: lang}, Title: title, Headline: title, Summary: body, Body: body,
		Entities: ents, Source: news.Source{Name: "src-" + id, PublishedAt: &at}, CreatedAt: at}
}

func ent(name, typ, id, lang string) news.Entity {
	return news.Entity{Name: name, Type: typ, ID: id, Names: map[string]string{lang: name}, Count: 1}
}

func money(v float64, text string) news.Entity {
	return news.Entity{Name: text, Type: news.Money, Value: &v, Currency: "EUR", Count: 1}
}

// The same event in English and Italian, a copy, and an unrelated article.
func corpus() []news.Brief {
	en := "Nuvola Systems, the Milan cloud provider, said on Tuesday it will buy Siliqa, a chip designer based in Turin, for 450 million euros. Siliqa employs 120 engineers and designs low-power processors. Chief executive Marta Ferraris said the company would build its own servers by 2028."
	it := "Nuvola Systems, il fornitore cloud di Milano, ha annunciato martedì l'acquisto di Siliqa, azienda torinese che progetta chip, per 450 milioni di euro. Siliqa ha 120 ingegneri e progetta processori a basso consumo. L'amministratrice delegata Marta Ferraris ha detto che l'azienda costruirà i propri server entro il 2028."
	other := "La giunta regionale del Lazio ha approvato un piano da 80 milioni di euro per portare la fibra ottica in 140 comuni delle aree interne. I lavori partiranno a settembre."
	return []news.Brief{
		brief("a1", "en", "Nuvola Systems buys chip designer Siliqa", en, day0,
			ent("Nuvola Systems", news.Org, "Q-nuvola", "en"), ent("Siliqa", news.Org, "", "en"), ent("Milan", news.Location, "Q490", "en"), money(4.5e8, "450 million euros")),
		brief("a2", "it", "Nuvola Systems acquista Siliqa", it, day0.Add(3*time.Hour),
			ent("Nuvola Systems", news.Org, "Q-nuvola", "it"), ent("Siliqa", news.Org, "", "it"), ent("Milano", news.Location, "Q490", "it"), money(4.5e8, "450 milioni di euro")),
		brief("a3", "it", "Il Lazio approva il piano per la fibra", other, day0.Add(5*time.Hour), ent("Lazio", news.Location, "Q1282", "it")),
		brief("a4", "en", "Nuvola Systems to acquire Siliqa", en+" The deal needs approval.", day0.Add(20*time.Hour),
			ent("Nuvola Systems", news.Org, "Q-nuvola", "en"), ent("Siliqa", news.Org, "", "en"), money(4.5e8, "450 million euros")),
	}
}

func placeAll(t *testing.T, c *Clusterer, briefs []news.Brief) []news.Placement {
	t.Helper()
	var out []news.Placement
	for _, br := range briefs {
		p, _, err := c.Place(context.Background(), br)
		if err != nil {
			t.Fatalf("placing %s: %v", br.ID, err)
		}
		out = append(out, p)
	}
	return out
}

func TestPlace(t *testing.T) {
	store := &MemStore{}
	c := NewClusterer(Config{}, store)
	ps := placeAll(t, c, corpus())
	if ps[0].StoryID != ps[1].StoryID || !ps[1].Evidence.CrossLingual {
		t.Errorf("the Italian article %+v did not join the English one's story %s across languages", ps[1], ps[0].StoryID)
	}
	if ps[2].StoryID == ps[0].StoryID || !ps[2].New {
		t.Errorf("the unrelated article joined %s", ps[2].StoryID)
	}
	if ps[3].StoryID != ps[0].StoryID || ps[3].DuplicateOf != "a1" || ps[3].Evidence.Decision != "duplicate" {
		t.Errorf("copy: got %+v, want duplicate_of a1 in %s", ps[3], ps[0].StoryID)
	}
	s, _, err := store.Get(context.Background(), ps[0].StoryID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Members) != 3 || s.Sources != 2 || !reflect.DeepEqual(s.Languages, []string{"en", "it"}) {
		t.Errorf("story: %d members, %d sources, languages %v; want 3, 2 (the copy is no source), [en it]", len(s.Members), s.Sources, s.Languages)
	}
	if s.Briefs["it"].From != "a2" || s.Briefs["en"].From != "a1" {
		t.Errorf("briefs come from %+v; want the Italian from a2, the English from a1", s.Briefs)
	}
	var milan *news.StoryEntity
	for i := range s.Entities {
		if s.Entities[i].ID == "Q490" {
			milan = &s.Entities[i]
		}
	}
	if milan == nil || milan.Names["it"] != "Milano" || milan.Names["en"] != "Milan" || milan.Sources != 2 {
		t.Errorf("Milan merged by id: %+v", milan)
	}
	if len(s.Amounts) == 0 || len(s.Amounts[0].Members) != 3 {
		t.Errorf("amounts: %+v, want 450 million EUR from all three", s.Amounts)
	}
	found := false
	for _, m := range ps[1].Evidence.Matched {
		if m == "entity:id:Q-nuvola" {
			found = true
		}
	}
	if !found {
		t.Errorf("evidence %v does not name the shared entity id", ps[1].Evidence.Matched)
	}
}

func TestDeterministic(t *testing.T) {
	a := placeAll(t, NewClusterer(Config{}, &MemStore{}), corpus())
	b := placeAll(t, NewClusterer(Config{}, &MemStore{}), corpus())
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs differ:\n%+v\n%+v", a, b)
	}
}

func TestRedeliveryIsIdempotent(t *testing.T) {
	store := &MemStore{}
	c := NewClusterer(Config{}, store)
	first := placeAll(t, c, corpus())
	again := placeAll(t, c, corpus())
	for i := range first {
		if first[i].StoryID != again[i].StoryID {
			t.Errorf("%s: placed in %s, then %s", first[i].ArticleID, first[i].StoryID, again[i].StoryID)
		}
	}
	if s, _, _ := store.Get(context.Background(), first[0].StoryID); len(s.Members) != 3 {
		t.Errorf("redelivery changed the story: %d members", len(s.Members))
	}
}

// A restarted worker rebuilds its index from the store and places as the
// one that never stopped.
func TestRebuildFromStore(t *testing.T) {
	store := &MemStore{}
	briefs := corpus()
	placeAll(t, NewClusterer(Config{}, store), briefs[:2])
	c := NewClusterer(Config{}, store)
	for _, s := range store.All() {
		c.Load(s)
	}
	ps := placeAll(t, c, briefs)
	want := placeAll(t, NewClusterer(Config{}, &MemStore{}), briefs)
	for i := range ps {
		if ps[i].StoryID != want[i].StoryID || ps[i].DuplicateOf != want[i].DuplicateOf {
			t.Errorf("%s: rebuilt worker says %s (dup %q), fresh one %s (dup %q)", ps[i].ArticleID, ps[i].StoryID, ps[i].DuplicateOf, want[i].StoryID, want[i].DuplicateOf)
		}
	}
}

// conflictStore makes the first Update lose, as when another replica
// wrote the story in between.
type conflictStore struct {
	*MemStore
	lost bool
}

func (s *conflictStore) Update(ctx context.Context, st *news.Story, rev uint64) (uint64, error) {
	if !s.lost {
		s.lost = true
		return 0, ErrConflict
	}
	return s.MemStore.Update(ctx, st, rev)
}

func TestCompareAndSetRetries(t *testing.T) {
	store := &conflictStore{MemStore: &MemStore{}}
	ps := placeAll(t, NewClusterer(Config{}, store), corpus())
	if !store.lost || ps[1].StoryID != ps[0].StoryID {
		t.Errorf("after a lost update: %+v", ps[1])
	}
}

// Two replicas on one store: every article ends in exactly one story.
func TestTwoReplicas(t *testing.T) {
	store := &MemStore{}
	r1, r2 := NewClusterer(Config{}, store), NewClusterer(Config{}, store)
	briefs := corpus()
	for i, br := range briefs {
		c := r1
		if i%2 == 1 {
			c = r2
		}
		if _, _, err := c.Place(context.Background(), br); err != nil {
			t.Fatal(err)
		}
		// A replica also places what the other already did (redelivery).
		if _, _, err := r2.Place(context.Background(), br); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, s := range store.All() {
		for _, m := range s.Members {
			seen[m.ID]++
		}
	}
	for _, br := range briefs {
		if seen[br.ID] != 1 {
			t.Errorf("%s is in %d stories", br.ID, seen[br.ID])
		}
	}
}

func TestWindowBoundsMemory(t *testing.T) {
	c := NewClusterer(Config{Window: 48 * time.Hour}, &MemStore{})
	for i := 0; i < 50; i++ {
		at := day0.Add(time.Duration(i) * 24 * time.Hour)
		br := brief(fmt.Sprintf("d%d", i), "en", word(i, 1)+" "+word(i, 2), fmt.Sprintf("%s %s %s %s %d.", word(i, 3), word(i, 4), word(i, 5), word(i, 6), i*7919), at)
		if _, _, err := c.Place(context.Background(), br); err != nil {
			t.Fatal(err)
		}
	}
	if s, a := c.Index().Len(); s > 4 || a > 4 {
		t.Errorf("with a 2-day window the index holds %d stories, %d articles after 50 days", s, a)
	}
}

func TestStoreErrors(t *testing.T) {
	m := &MemStore{}
	s := &news.Story{ID: "s"}
	if _, err := m.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(context.Background(), s); !errors.Is(err, ErrExists) {
		t.Errorf("second Create: %v, want ErrExists", err)
	}
	if _, err := m.Update(context.Background(), s, 7); !errors.Is(err, ErrConflict) {
		t.Errorf("Update at a stale revision: %v, want ErrConflict", err)
	}
}

// word makes a distinct made-up word for article i.
func word(i, j int) string {
	const letters = "bcdfglmnprstvz"
	const vowels = "aeiou"
	n := i*31 + j*7
	w := []byte{}
	for k := 0; k < 4; k++ {
		w = append(w, letters[(n+k*j)%len(letters)], vowels[(n/3+k)%len(vowels)])
		n = n*13 + 5
	}
	return string(w)
}

// A published time in the future (from a submitter) does not move the
// window: the stories of today stay candidates.
func TestFuturePublishedTimeIgnored(t *testing.T) {
	c := NewClusterer(Config{}, &MemStore{})
	briefs := corpus()
	placeAll(t, c, briefs[:1])
	future := day0.AddDate(5, 0, 0)
	odd := brief("z1", "en", "Far future", "A different text about something else entirely in 2031.", day0)
	odd.Source.PublishedAt = &future
	placeAll(t, c, []news.Brief{odd})
	ps := placeAll(t, c, briefs[1:2])
	if ps[0].StoryID != StoryID("a1") {
		t.Errorf("after a far-future article the Italian one opened %s instead of joining %s", ps[0].StoryID, StoryID("a1"))
	}
}

// A stale version of a story (a watch delivering an older revision after
// a newer one was loaded) does not roll the index back.
func TestStaleLoadIgnored(t *testing.T) {
	store := &MemStore{}
	c := NewClusterer(Config{}, store)
	briefs := corpus()
	ps := placeAll(t, c, briefs[:1])
	old, _, _ := store.Get(context.Background(), ps[0].StoryID)
	placeAll(t, c, briefs[1:2])
	c.Load(old)
	if e := c.Index().stories[ps[0].StoryID]; e == nil || e.total != 2 || len(e.langs) != 2 {
		t.Fatalf("after loading a stale version the index has %+v", e)
	}
	if p := placeAll(t, c, briefs[3:4]); p[0].DuplicateOf != "a1" {
		t.Errorf("copy after a stale load: %+v", p[0])
	}
}
