package gateway_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmtest"
)

// backend serves nothing but readiness: the API suite reads the read model.
type backend struct{}

func (backend) Prepare(context.Context, pipeline.Raw) (news.Article, error) {
	return news.Article{}, gateway.ErrNotFound
}
func (backend) Claim(context.Context, string) (bool, news.Status, error) {
	return false, news.Status{}, nil
}
func (backend) Submit(context.Context, news.Article) error { return nil }
func (backend) Status(context.Context, string) (news.Status, error) {
	return news.Status{}, gateway.ErrNotFound
}
func (backend) Brief(context.Context, string) (news.Brief, error) {
	return news.Brief{}, gateway.ErrNotFound
}
func (backend) Ready(context.Context) error { return nil }

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// apiBriefs are short briefs of our own in Italian and English.
func apiBriefs() []news.Brief {
	mk := func(id, lang string, min int, headline, body string, topics []string, ents ...string) news.Brief {
		br := news.Brief{ID: id, Language: news.Language{Code: lang}, Title: headline, Headline: headline,
			Summary: headline + ".", KeyPoints: []string{body}, Topics: topics, Body: body, CreatedAt: t0.Add(time.Duration(min) * time.Minute)}
		for _, e := range ents {
			br.Entities = append(br.Entities, news.Entity{Name: e, Type: news.Org, Count: 1})
		}
		return br
	}
	pub := t0.Add(-24 * time.Hour)
	b := []news.Brief{
		mk("a1", "it", 1, "La banca aumenta gli investimenti in Puglia", "Il gruppo investirà in nuove filiali e nella formazione dei dipendenti.", []string{"economia"}, "Banca Sella", "Puglia"),
		mk("a2", "it", 2, "Treni più veloci tra Roma e Napoli", "Le ferrovie annunciano corse ogni venti minuti.", []string{"trasporti"}, "Trenitalia"),
		mk("a3", "en", 3, "Robotics startup raises new funding", "Investors backed the company's warehouse robots.", []string{"economia", "robotica"}, "Acme Robotics"),
		mk("a4", "en", 4, "City opens electric bus depot", "The depot charges forty buses overnight.", []string{"trasporti"}, "Rome"),
	}
	b[3].Source.PublishedAt = &pub
	return b
}

func TestAPI(t *testing.T) {
	for kind, open := range rmtest.Kinds(t) {
		t.Run(kind, func(t *testing.T) {
			store, _ := open(t)
			m := readmodel.NewModel(store)
			srv := httptest.NewServer(gateway.New(gateway.Config{}, backend{}, m))
			defer srv.Close()
			ctx := context.Background()

			// Not ready until the projection has caught up once.
			if code, body := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "catching up") {
				t.Errorf("readyz before catching up: %d %s", code, body)
			}
			m.SetLag(3)
			if _, body := get(t, srv, "/readyz"); !strings.Contains(body, "3 briefs behind") {
				t.Errorf("readyz does not say the lag: %s", body)
			}
			for _, br := range apiBriefs() {
				if err := m.Add(ctx, br, false); err != nil {
					t.Fatal(err)
				}
			}
			m.SetLag(0)
			if code, _ := get(t, srv, "/readyz"); code != http.StatusOK {
				t.Errorf("readyz when current: %d", code)
			}

			for _, tt := range []struct {
				query string
				want  []string
			}{
				{"", []string{"a4", "a3", "a2", "a1"}},
				{"lang=it", []string{"a2", "a1"}},
				{"topic=trasporti", []string{"a4", "a2"}},
				{"entity=banca+sella", []string{"a1"}},
				{"q=investimento", []string{"a1"}},     // Italian: singular finds plural
				{"q=investirà", []string{"a1"}},        // and the verb
				{"q=robot", []string{"a3"}},            // English: robots
				{"q=investor&lang=en", []string{"a3"}}, // investors
				{"q=charging+buses", []string{"a4"}},   // charges, buses
				{"q=treni+aerei", []string{}},          // every word must appear
				{"sort=published", []string{"a3", "a2", "a1", "a4"}},
				{"since=" + url.QueryEscape(t0.Format(time.RFC3339)), []string{"a3", "a2", "a1"}},
				{"until=" + url.QueryEscape(t0.Format(time.RFC3339)), []string{"a4"}},
			} {
				if got := list(t, srv, tt.query, ""); !slices.Equal(got.ids(), tt.want) {
					t.Errorf("GET /v1/briefs?%s = %v, want %v", tt.query, got.ids(), tt.want)
				}
			}
			for _, bad := range []string{"since=soon", "sort=size", "limit=0", "cursor=%21%21"} {
				if code, _ := get(t, srv, "/v1/briefs?"+bad); code != http.StatusBadRequest {
					t.Errorf("GET /v1/briefs?%s: %d, want 400", bad, code)
				}
			}

			// Paging while briefs arrive: each brief there at the start is
			// seen once, in order.
			var seen []string
			cursor := ""
			for page := 0; page < 10; page++ {
				l := list(t, srv, "limit=3", cursor)
				seen = append(seen, l.ids()...)
				late := apiBriefs()[page%4]
				late.ID, late.CreatedAt = "late"+string(rune('a'+page)), t0.Add(time.Hour+time.Duration(page)*time.Minute)
				if err := m.Add(ctx, late, true); err != nil {
					t.Fatal(err)
				}
				if cursor = l.NextCursor; cursor == "" {
					break
				}
			}
			if want := []string{"a4", "a3", "a2", "a1"}; !slices.Equal(seen, want) {
				t.Errorf("paged through %v, want %v", seen, want)
			}

			// Reprocessing replaces a brief; a deletion removes one.
			a1 := apiBriefs()[0]
			a1.Headline, a1.Summary, a1.KeyPoints, a1.Body, a1.Title = "Nuove filiali", "Nuove filiali.", nil, "Il gruppo apre sportelli.", "Nuove filiali"
			if err := m.Add(ctx, a1, true); err != nil {
				t.Fatal(err)
			}
			cp, _ := m.Checkpoint(ctx)
			if _, err := m.Project(ctx, []readmodel.Change{{Seq: cp + 1, ID: "a2"}}, true); err != nil {
				t.Fatal(err)
			}
			if got := list(t, srv, "q=investimenti", ""); len(got.ids()) != 0 {
				t.Errorf("the replaced text is still found: %v", got.ids())
			}
			if got := list(t, srv, "q=sportello", ""); !slices.Equal(got.ids(), []string{"a1"}) {
				t.Errorf("the new text is not found: %v", got.ids())
			}
			if got := list(t, srv, "lang=it", ""); !slices.Equal(got.ids(), []string{"a1"}) {
				t.Errorf("after replacing a1 and deleting a2: %v", got.ids())
			}
		})
	}
}

type page struct{ gateway.BriefList }

func (p page) ids() []string {
	out := []string{}
	for _, br := range p.Briefs {
		if !strings.HasPrefix(br.ID, "late") {
			out = append(out, br.ID)
		}
	}
	return out
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, sb.String()
}

func list(t *testing.T, srv *httptest.Server, query, cursor string) page {
	t.Helper()
	if cursor != "" {
		query += "&cursor=" + url.QueryEscape(cursor)
	}
	code, body := get(t, srv, "/v1/briefs?"+query)
	if code != http.StatusOK {
		t.Fatalf("GET /v1/briefs?%s: %d %s", query, code, body)
	}
	var p page
	if err := json.Unmarshal([]byte(body), &p.BriefList); err != nil {
		t.Fatal(err)
	}
	return p
}
