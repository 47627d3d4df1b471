package service

import (
	"context"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/metrics"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// NewMetrics returns the process's metrics with the queue depth collector
// reading b's consumers on every scrape (2s timeout).
func NewMetrics(b *bus.Bus) *metrics.Metrics {
	m := metrics.New()
	if b != nil {
		m.WatchQueues(func(ctx context.Context) ([]metrics.Depth, error) {
			ds, err := b.Depths(ctx)
			out := make([]metrics.Depth, len(ds))
			for i, d := range ds {
				out[i] = metrics.Depth{Stream: d.Stream, Consumer: d.Consumer, Pending: d.Pending, AckPending: d.AckPending, Redelivered: d.Redelivered}
			}
			return out, err
		}, 2*time.Second)
	}
	return m
}

// Observer is the stage runners' observe hook: it counts each settled
// message in m. The counters of the named stages start at 0.
func Observer(m *metrics.Metrics, stages ...string) func(bus.Outcome) {
	m.InitStages(stages...)
	return func(o bus.Outcome) { m.Stage(o.Stage, o.Action, o.Duration) }
}

// Metered counts the LLM tokens and cost of every summary s writes.
func Metered(s pipeline.Summariser, m *metrics.Metrics) pipeline.Summariser {
	if s == nil || m == nil {
		return s
	}
	return meteredSummariser{s, m}
}

type meteredSummariser struct {
	next pipeline.Summariser
	m    *metrics.Metrics
}

func (ms meteredSummariser) Summarise(ctx context.Context, x news.Extracted) (pipeline.Summary, error) {
	sum, err := ms.next.Summarise(ctx, x)
	if err == nil {
		ms.m.LLM(sum.LLM)
	}
	return sum, err
}
