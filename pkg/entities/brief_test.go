package entities

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/nereval"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// TestBriefEval scores what briefs show on our own articles
// (testdata/brief: the same two stories in Italian and English) with the
// brief-level evaluation of `newsbrief eval entities --brief`: entities by
// type, the same id in both languages, names in the article's language.
func TestBriefEval(t *testing.T) {
	o := offline(t)
	labels, err := nereval.ReadBriefLabels("testdata/brief/labels.tsv")
	if err != nil {
		t.Fatal(err)
	}
	read := func(f string) (string, error) {
		b, err := os.ReadFile(filepath.Join("testdata/brief", f))
		return string(b), err
	}
	rep, err := nereval.ScoreBriefs(labels, read, func(body, lang string) []news.Entity { return o.All(body, lang) })
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Write(&b, true)
	t.Log("\n" + b.String())
	all := rep.ByLang["all"]["overall"]
	if all.P() < 0.95 || all.R() < 0.95 {
		t.Errorf("overall P %.3f R %.3f, want >= 0.95 each", all.P(), all.R())
	}
	if rep.Known < 70 || rep.KnownID != rep.Known || rep.OtherName != 0 || rep.WrongLang != 0 {
		t.Errorf("known %d, with the expected id %d, shown with another name %d, in another language %d; want every known entity with its id and name",
			rep.Known, rep.KnownID, rep.OtherName, rep.WrongLang)
	}
}
