package deploy

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/metrics"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// The Grafana dashboard (issue #18 item 14) queries only series that
// pkg/metrics exports: a renamed metric breaks this test, not the
// dashboard in production.
func TestGrafanaDashboard(t *testing.T) {
	data, err := os.ReadFile("grafana/newsbrief.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string `json:"title"`
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("grafana/newsbrief.json: %v", err)
	}
	if d.UID == "" || len(d.Panels) < 6 {
		t.Fatalf("dashboard %q has uid %q and %d panels", d.Title, d.UID, len(d.Panels))
	}

	// Every series the process can export: one event of each kind.
	m := metrics.New()
	m.InitStages(news.StageSummarise)
	m.Stage(news.StageSummarise, stage.Publish, 0)
	m.LLM(&news.LLMUsage{Model: "m", PromptTokens: 1})
	m.WatchQueues(func(context.Context) ([]metrics.Depth, error) {
		return []metrics.Depth{{Stream: "NEWS", Consumer: "summarise"}}, nil
	}, 0)
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range fams {
		known[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			known[f.GetName()+suffix] = true
		}
	}
	name := regexp.MustCompile(`\b(newsbrief_[a-z_]+|process_[a-z_]+)\b`)
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			found := name.FindAllString(tg.Expr, -1)
			if len(found) == 0 {
				t.Errorf("panel %q: %q queries no newsbrief series", p.Title, tg.Expr)
			}
			for _, n := range found {
				if !known[n] {
					t.Errorf("panel %q queries %s, which newsbrief does not export", p.Title, n)
				}
			}
			if strings.Count(tg.Expr, "(") != strings.Count(tg.Expr, ")") {
				t.Errorf("panel %q: unbalanced parentheses in %q", p.Title, tg.Expr)
			}
		}
	}
}
