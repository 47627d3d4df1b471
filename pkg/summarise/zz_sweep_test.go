package summarise

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/rouge"
)

func TestZZSweep(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	b, _ := os.ReadFile("../../../shared/data/summaries/en_gum_wikinews.jsonl")
	type pair struct{ Title, Article, Reference, Lang string }
	var ps []pair
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var p pair
		json.Unmarshal([]byte(l), &p)
		ps = append(ps, p)
	}
	eval := func(name string, f func(p pair) string) {
		var r1, r2, rl, w float64
		for _, p := range ps {
			out := f(p)
			s := rouge.Compute(out, p.Reference)
			r1 += s.R1.F
			r2 += s.R2.F
			rl += s.RL.F
			w += float64(len(strings.Fields(out)))
		}
		n := float64(len(ps))
		fmt.Printf("%-40s R1 %.4f R2 %.4f RL %.4f words %.1f\n", name, r1/n, r2/n, rl/n, w/n)
	}
	eval("lead3", func(p pair) string { return Lead(p.Article, "en", 3) })
	eval("leadskip1", func(p pair) string { return LeadSkip(p.Article, "en", 1) })
	eval("leadskip2", func(p pair) string { return LeadSkip(p.Article, "en", 2) })
	eval("offline", func(p pair) string { return Offline(p.Title, p.Article, p.Lang, nil).Summary })
	defer func(sw, sm int, a, b, c, d float64) {
		summaryWords, summaryMaxWord, wPos, wCent, wTitle, wEnt = sw, sm, a, b, c, d
	}(summaryWords, summaryMaxWord, wPos, wCent, wTitle, wEnt)
	for _, sw := range []int{20, 30, 40} {
		for _, wp := range []float64{0.4, 0.8} {
			for _, we := range []float64{0.15, 0.4} {
				summaryWords, wPos, wEnt = sw, wp, we
				eval(fmt.Sprintf("sw%d wp%.1f we%.2f", sw, wp, we), func(p pair) string { return Offline(p.Title, p.Article, p.Lang, nil).Summary })
				eval(fmt.Sprintf("  notitle"), func(p pair) string { return Offline("", p.Article, p.Lang, nil).Summary })
			}
		}
	}
}
