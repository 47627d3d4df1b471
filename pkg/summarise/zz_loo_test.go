package summarise

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/rouge"
)

func TestZZLOO(t *testing.T) {
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
	type cfg struct {
		sw                 int
		wp, wc, wt, we, wf float64
		ls, le             float64
	}
	var cfgs []cfg
	for _, sw := range []int{30, 40} {
		for _, wp := range []float64{0.4, 0.8} {
			for _, wt := range []float64{0.15, 0.3, 0.5} {
				for _, wc := range []float64{0.25, 0.4} {
					cfgs = append(cfgs, cfg{sw, wp, wc, wt, 0.15, 0, 45, 0.4})
				}
			}
		}
	}
	defer func(sw int, a, b, c, d, e, f, g float64) {
		summaryWords, wPos, wCent, wTitle, wEnt, wFig, longSent, lenExp = sw, a, b, c, d, e, f, g
	}(summaryWords, wPos, wCent, wTitle, wEnt, wFig, longSent, lenExp)
	score := make([][]float64, len(cfgs))
	for ci, c := range cfgs {
		summaryWords, wPos, wCent, wTitle, wEnt, wFig, longSent, lenExp = c.sw, c.wp, c.wc, c.wt, c.we, c.wf, c.ls, c.le
		for _, p := range ps {
			score[ci] = append(score[ci], rouge.Compute(Offline(p.Title, p.Article, p.Lang, nil).Summary, p.Reference).RL.F)
		}
	}
	lead := 0.0
	for _, p := range ps {
		lead += rouge.Compute(Lead(p.Article, "en", 3), p.Reference).RL.F
	}
	loo := 0.0
	for k := range ps {
		best, bi := -1.0, 0
		for ci := range cfgs {
			s := 0.0
			for j, v := range score[ci] {
				if j != k {
					s += v
				}
			}
			if s > best {
				best, bi = s, ci
			}
		}
		loo += score[bi][k]
		fmt.Printf("fold %d picks %+v\n", k, cfgs[bi])
	}
	n := float64(len(ps))
	fmt.Printf("LOO RL %.4f lead3 %.4f ratio %.3f\n", loo/n, lead/n, loo/lead)
	for ci, c := range cfgs {
		s := 0.0
		for _, v := range score[ci] {
			s += v
		}
		fmt.Printf("%+v RL %.4f\n", c, s/n)
	}
}
