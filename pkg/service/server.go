package service

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/feeds"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/metrics"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/web"
)

// Gateway is the HTTP gateway with its index kept current from the briefs
// bucket. Routes can be added with Handle before Run.
type Gateway struct {
	*gateway.Server
	Index   *gateway.Index
	Backend *Backend
	// Metrics is served on /metrics; stages in the same process count into it.
	Metrics *metrics.Metrics
	// Web is the HTML pages, feeds and the live event stream.
	Web *web.Web
	log *slog.Logger

	poller *feeds.Poller
	inbox  *feeds.Inbox
}

// NewGateway opens the stores and builds the API.
func NewGateway(ctx context.Context, c Config, b *bus.Bus, p *pipeline.Pipeline, log *slog.Logger) (*Gateway, error) {
	be, err := NewBackend(ctx, b, p)
	if err != nil {
		return nil, err
	}
	idx := gateway.NewIndex(0)
	m := NewMetrics(b)
	p.Limited = m.Limited // the all-in-one runs its stages with p
	srv := gateway.New(gateway.Config{
		MaxBytes: c.MaxBytes, APIToken: c.APIToken, RatePerSecond: c.RateLimit.Per, RateBurst: c.RateLimit.Burst, Log: log,
		TrustedProxies: c.TrustedProxies,
		OnSubmit:       func(result string) { m.Submitted("api", result) },
	}, be, idx)
	g := &Gateway{Server: srv, Index: idx, Backend: be, Metrics: m, log: log}
	wb, err := web.New(web.Config{
		Index: idx, Store: be, PublicURL: c.PublicURL, Languages: c.Languages, Log: log, OnStream: m.StreamClients,
		Submit: g.SubmitFunc("web"), APIToken: c.APIToken, MaxBytes: c.MaxBytes,
	})
	if err != nil {
		return nil, err
	}
	g.Web = wb
	wb.Register(srv)
	srv.Handle("GET /metrics", m.Handler())
	if err := g.inputs(ctx, c); err != nil {
		return nil, err
	}
	return g, nil
}

// Run serves HTTP on addr and keeps the index current until ctx is done.
func (g *Gateway) Run(ctx context.Context, addr string, ready chan<- string) error {
	go func() {
		for ctx.Err() == nil {
			err := g.Backend.Briefs.Watch(ctx, g.Index.Add)
			if err != nil && ctx.Err() == nil {
				g.log.Warn("brief watch stopped; restarting", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
	g.runInputs(ctx)
	go func() {
		<-ctx.Done()
		g.Web.Shutdown() // end the event streams so that Shutdown need not wait for them
	}()
	return Serve(ctx, addr, g, g.log, ready)
}

// RunStages runs the named stages (and the recorder when record is true)
// until ctx is done; each drains before RunStages returns.
func RunStages(ctx context.Context, b *bus.Bus, p *pipeline.Pipeline, names []string, workers int, record bool, observe func(bus.Outcome)) error {
	if record {
		names = append(names[:len(names):len(names)], news.StageRecord)
	}
	fns := make([]func(context.Context) error, len(names))
	for i, name := range names {
		fns[i] = func(ctx context.Context) error { return RunStage(ctx, b, p, name, workers, observe) }
	}
	return Group(ctx, fns...)
}

// Mux returns an http.Handler serving health endpoints plus extra routes.
func Mux(b *bus.Bus, extra map[string]http.Handler) http.Handler {
	mux := HealthHandler(b)
	for p, h := range extra {
		mux.Handle(p, h)
	}
	return mux
}
