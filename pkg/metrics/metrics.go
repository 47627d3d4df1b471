// Package metrics is newsbrief's Prometheus instrumentation: what each stage
// did with its messages and how long it took, what the LLM cost, how deep
// each consumer's queue is, and what the feed poller and inbox submitted.
//
// Every process (worker, gateway, all-in-one) makes one Metrics with its own
// registry and serves it on /metrics, so tests and several instances in one
// process never collide on the global registry. It knows nothing of NATS:
// queue depths come from a function the wiring passes in.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// Metrics holds the collectors. The zero value is not usable; call New. A
// nil *Metrics is a no-op for every method, so wiring can leave it out.
type Metrics struct {
	Registry *prometheus.Registry

	processed, failed, retried, rejected, deadLettered *prometheus.CounterVec
	duration                                           *prometheus.HistogramVec
	llmTokens                                          *prometheus.CounterVec
	llmCost                                            *prometheus.CounterVec
	llmCalls                                           *prometheus.CounterVec
	submitted                                          *prometheus.CounterVec
	feedPolls                                          *prometheus.CounterVec
	limited                                            *prometheus.CounterVec
	sseClients                                         prometheus.Gauge
}

// New registers every collector, plus the Go runtime and process ones, on
// a fresh registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsbrief", Name: name, Help: help}, labels)
		r.MustRegister(c)
		return c
	}
	m := &Metrics{
		Registry:     r,
		processed:    counter("stage_processed_total", "Messages a stage settled successfully (output published or nothing to do).", "stage"),
		failed:       counter("stage_failed_total", "Deliveries that failed: retried later or dead-lettered.", "stage"),
		retried:      counter("stage_retried_total", "Deliveries handed back for a later retry.", "stage"),
		rejected:     counter("stage_rejected_total", "Articles a stage rejected for good (unsupported language, empty text...).", "stage"),
		deadLettered: counter("stage_dead_lettered_total", "Messages sent to the dead-letter stream.", "stage"),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "newsbrief", Name: "stage_duration_seconds", Help: "Time from receiving a message to settling it, by outcome.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"stage", "outcome"}),
		llmTokens:  counter("llm_tokens_total", "LLM tokens used for briefs, by model and kind (prompt, completion).", "model", "kind"),
		llmCost:    counter("llm_cost_usd_total", "Estimated LLM cost of briefs in US dollars.", "model"),
		llmCalls:   counter("llm_briefs_total", "Briefs written with an LLM, by model and whether the answer was cached.", "model", "cached"),
		submitted:  counter("submissions_total", "Articles submitted, by origin (api, web, feed, inbox) and result (queued, duplicate, rejected, error).", "origin", "result"),
		feedPolls:  counter("feed_polls_total", "Feed polls, by result (ok, not_modified, error).", "result"),
		limited:    counter("limited_total", "What the per-article limits cut (pipeline.Limits): merged_mentions, mentions, entities, brief_text.", "what"),
		sseClients: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "newsbrief", Name: "stream_clients", Help: "Open Server-Sent Events streams."}),
	}
	r.MustRegister(m.duration, m.sseClients, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series whose labels are known up front starts at 0, so a
	// dashboard shows 0 rather than "no data" until the first event.
	for _, o := range Origins {
		for _, res := range SubmitResults {
			m.submitted.WithLabelValues(o, res)
		}
	}
	for _, res := range []string{"ok", "not_modified", "error"} {
		m.feedPolls.WithLabelValues(res)
	}
	for _, what := range LimitKinds {
		m.limited.WithLabelValues(what)
	}
	return m
}

// LimitKinds are what limited_total counts: the pipeline.Limit* names.
var LimitKinds = []string{"merged_mentions", "mentions", "entities", "brief_text"}

// Origins are the submission origins counted in submissions_total.
var Origins = []string{"api", "web", "feed", "inbox"}

// SubmitResults are the results counted in submissions_total.
var SubmitResults = []string{"queued", "duplicate", "rejected", "error"}

// InitStages starts every per-stage counter of the named stages at 0
// (processed, failed, retried, rejected, dead-lettered), so that
// stage_failed_total and friends exist before the first failure.
func (m *Metrics) InitStages(names ...string) {
	if m == nil {
		return
	}
	for _, n := range names {
		for _, c := range []*prometheus.CounterVec{m.processed, m.failed, m.retried, m.rejected, m.deadLettered} {
			c.WithLabelValues(n)
		}
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, Timeout: 10 * time.Second})
}

// Stage counts one settled message of a stage; the bus runner's observe
// hook calls it.
func (m *Metrics) Stage(name string, a stage.Action, d time.Duration) {
	if m == nil {
		return
	}
	switch a {
	case stage.Publish, stage.Ack:
		m.processed.WithLabelValues(name).Inc()
	case stage.RejectIt:
		m.rejected.WithLabelValues(name).Inc()
	case stage.Retry:
		m.failed.WithLabelValues(name).Inc()
		m.retried.WithLabelValues(name).Inc()
	case stage.DeadLetter:
		m.failed.WithLabelValues(name).Inc()
		m.deadLettered.WithLabelValues(name).Inc()
	}
	m.duration.WithLabelValues(name, a.String()).Observe(d.Seconds())
}

// Limited counts n things of one kind that the per-article limits cut
// (pipeline.Limits); the pipeline's Limited hook calls it.
func (m *Metrics) Limited(what string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.limited.WithLabelValues(what).Add(float64(n))
}

// LLM counts the tokens and cost of one brief's LLM calls (nil: none).
// Cached answers cost nothing and count only as briefs.
func (m *Metrics) LLM(u *news.LLMUsage) {
	if m == nil || u == nil {
		return
	}
	cached := "false"
	if u.Cached {
		cached = "true"
	}
	m.llmCalls.WithLabelValues(u.Model, cached).Inc()
	if u.Cached {
		return
	}
	m.llmTokens.WithLabelValues(u.Model, "prompt").Add(float64(u.PromptTokens))
	m.llmTokens.WithLabelValues(u.Model, "completion").Add(float64(u.CompletionTokens))
	m.llmCost.WithLabelValues(u.Model).Add(u.CostUSD)
}

// Submitted counts one submission by origin (api, feed, inbox) and result.
func (m *Metrics) Submitted(origin, result string) {
	if m == nil {
		return
	}
	m.submitted.WithLabelValues(origin, result).Inc()
}

// FeedPoll counts one poll of one feed: ok, not_modified or error.
func (m *Metrics) FeedPoll(result string) {
	if m == nil {
		return
	}
	m.feedPolls.WithLabelValues(result).Inc()
}

// StreamClients adds delta to the open event streams gauge.
func (m *Metrics) StreamClients(delta int) {
	if m == nil {
		return
	}
	m.sseClients.Add(float64(delta))
}

// Depth is one consumer's backlog.
type Depth struct {
	Stream, Consumer string
	// Pending messages not yet delivered to the consumer.
	Pending uint64
	// AckPending messages delivered but not yet acknowledged.
	AckPending uint64
	// Redelivered messages being redelivered.
	Redelivered uint64
}

// WatchQueues registers a collector that calls depths on every scrape, with
// timeout, and reports newsbrief_queue_pending, newsbrief_queue_ack_pending
// and newsbrief_queue_redelivered per stream and consumer. A failing call
// sets newsbrief_queue_scrape_error to 1 instead of failing the scrape.
func (m *Metrics) WatchQueues(depths func(ctx context.Context) ([]Depth, error), timeout time.Duration) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(&queueCollector{depths: depths, timeout: timeout})
}

var (
	descPending     = prometheus.NewDesc("newsbrief_queue_pending", "Messages waiting for a consumer (JetStream NumPending).", []string{"stream", "consumer"}, nil)
	descAckPending  = prometheus.NewDesc("newsbrief_queue_ack_pending", "Messages delivered to a consumer and not yet acknowledged (NumAckPending).", []string{"stream", "consumer"}, nil)
	descRedelivered = prometheus.NewDesc("newsbrief_queue_redelivered", "Messages being redelivered to a consumer (NumRedelivered).", []string{"stream", "consumer"}, nil)
	descScrapeError = prometheus.NewDesc("newsbrief_queue_scrape_error", "1 if the last queue depth query failed.", nil, nil)
)

type queueCollector struct {
	depths  func(ctx context.Context) ([]Depth, error)
	timeout time.Duration
}

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPending
	ch <- descAckPending
	ch <- descRedelivered
	ch <- descScrapeError
}

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), q.timeout)
	defer cancel()
	ds, err := q.depths(ctx)
	bad := 0.0
	if err != nil {
		bad = 1
	}
	ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, bad)
	for _, d := range ds {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(d.Pending), d.Stream, d.Consumer)
		ch <- prometheus.MustNewConstMetric(descAckPending, prometheus.GaugeValue, float64(d.AckPending), d.Stream, d.Consumer)
		ch <- prometheus.MustNewConstMetric(descRedelivered, prometheus.GaugeValue, float64(d.Redelivered), d.Stream, d.Consumer)
	}
}
