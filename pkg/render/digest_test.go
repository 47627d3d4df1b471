package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestDigest(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	briefs := []news.Brief{
		{ID: "a", Headline: "A", Topics: []string{"ai", "cloud"}, CreatedAt: t0, Language: news.Language{Code: "en"}},
		{ID: "b", Headline: "B", Topics: []string{"ai"}, CreatedAt: t0.Add(time.Hour), Language: news.Language{Code: "it"}},
		{ID: "c", Headline: "C", CreatedAt: t0},
		{ID: "d", Headline: "D", Topics: []string{"cloud"}, CreatedAt: t0},
	}
	secs := Sections(briefs)
	var got []string
	for _, s := range secs {
		ids := []string{}
		for _, b := range s.Briefs {
			ids = append(ids, b.ID)
		}
		got = append(got, s.Topic+":"+strings.Join(ids, ","))
	}
	if want := "ai:b,a|cloud:d|other:c"; strings.Join(got, "|") != want {
		t.Errorf("sections %q, want %q", strings.Join(got, "|"), want)
	}
	for _, format := range []string{"md", "text", "json"} {
		t.Run(format, func(t *testing.T) {
			var sb strings.Builder
			if err := Digest(&sb, "Digest", briefs, format); err != nil {
				t.Fatal(err)
			}
			out := sb.String()
			switch format {
			case "md":
				for _, w := range []string{"# Digest\n", "## ai (2)\n", "### B\n", "## other (1)"} {
					if !strings.Contains(out, w) {
						t.Errorf("md lacks %q:\n%s", w, out)
					}
				}
			case "json":
				var v struct{ Count int }
				if json.Unmarshal([]byte(out), &v) != nil || v.Count != 4 {
					t.Errorf("json: %s", out)
				}
			case "text":
				if !strings.Contains(out, "AI (2)") {
					t.Errorf("text: %s", out)
				}
			}
		})
	}
	if err := Digest(&strings.Builder{}, "x", nil, "pdf"); err == nil {
		t.Error("want an error for an unknown format")
	}
}
