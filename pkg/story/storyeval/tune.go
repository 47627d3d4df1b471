package storyeval

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/story"
)

// Tune searches a coarse grid of bars, time scales and weight mixes on
// the items and prints the best settings by B-cubed F1 plus cross-lingual
// recall among those with cross-lingual precision ≥ 0.9. It is for
// development: settings fitted on one small set overfit it.
func Tune(ctx context.Context, items []Item, briefs []news.Brief, base story.Config, w io.Writer) error {
	type res struct {
		cfg story.Config
		r   Report
		obj float64
	}
	var all []res
	for _, anchor := range []float64{0.05, 0.1, 0.2} {
		for _, join := range []float64{0.1, 0.15, 0.2, 0.25, 0.3, 0.35} {
			for _, jx := range []float64{0.09, 0.12, 0.15, 0.2, 0.25} {
				for _, mix := range story.WeightMixes {
					cfg := base
					cfg.Anchor, cfg.Join, cfg.JoinCross = anchor, join, jx
					cfg.Mono, cfg.Cross = mix.Mono, mix.Cross
					r, _, _, err := Run(ctx, items, briefs, cfg)
					if err != nil {
						return err
					}
					obj := r.BF1 + r.XR
					if r.XP < 0.9 {
						obj = 0
					}
					all = append(all, res{cfg, r, obj})
				}
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].obj > all[j].obj })
	for i := 0; i < 15 && i < len(all); i++ {
		a := all[i]
		fmt.Fprintf(w, "anchor %.2f join %.2f cross %.2f mono %v cross %v: BF1 %.3f (P %.3f R %.3f) xP %.2f xR %.2f sP %.2f\n",
			a.cfg.Anchor, a.cfg.Join, a.cfg.JoinCross, a.cfg.Mono, a.cfg.Cross, a.r.BF1, a.r.BP, a.r.BR, a.r.XP, a.r.XR, a.r.SP)
	}
	return nil
}
