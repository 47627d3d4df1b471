package nereval

import (
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestScoreBriefs(t *testing.T) {
	labels, err := readBriefLabels(strings.NewReader(`# comment
it_a.txt	ORG	Commissione europea	Commissione	Q8880
it_a.txt	LOCATION	Stati Uniti	Usa	Q30
it_a.txt	PERSON	Mario Rossi		
en_b.txt	-			
en_c.txt	ORG	European Commission		Q8880
`), "t")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"it_a.txt": "La Commissione e gli Usa. Mario Rossi.", "en_b.txt": "Nothing here.", "en_c.txt": "The European Commission."}
	pred := map[string][]news.Entity{
		"it": {
			{Name: "European Commission", Type: news.Org, ID: "Q8880", Mentions: []news.Mention{{Start: 3, End: 14}}}, // right id, wrong language
			{Name: "Usa", Type: news.Location, Mentions: []news.Mention{{Start: 23, End: 26}}},                        // matched by alias, no id
			{Name: "Rossi", Type: news.Org, Mentions: []news.Mention{{Start: 34, End: 39}}},                           // wrong type
		},
		"en": {{Name: "Nothing", Type: news.Org}},
	}
	rep, err := ScoreBriefs(labels, func(f string) (string, error) { return texts[f], nil },
		func(body, lang string) []news.Entity {
			if body == texts["en_c.txt"] {
				return []news.Entity{{Name: "European Commission", Type: news.Org, ID: "Q8880"}}
			}
			return pred[lang]
		})
	if err != nil {
		t.Fatal(err)
	}
	all := rep.ByLang["all"]["overall"]
	if rep.Articles != 3 || all.TP != 3 || all.FP != 2 || all.FN != 1 {
		t.Errorf("articles %d, overall %+v; want 3, TP 3 FP 2 FN 1", rep.Articles, *all)
	}
	// "European Commission" in the Italian article is another language's
	// name; "Usa" for "Stati Uniti" is only another name.
	if rep.Known != 3 || rep.KnownID != 2 || rep.OtherName != 2 || rep.WrongLang != 1 {
		t.Errorf("known %d id %d other %d wrong %d; want 3 2 2 1", rep.Known, rep.KnownID, rep.OtherName, rep.WrongLang)
	}
	if _, err := readBriefLabels(strings.NewReader("x.txt\tTHING\tA\t\t\n"), "t"); err == nil {
		t.Error("bad type accepted")
	}
}
