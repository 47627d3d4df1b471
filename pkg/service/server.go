package service

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/feeds"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/metrics"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/web"
)

// Gateway is the HTTP gateway with its read model kept current from the
// briefs bucket. Routes can be added with Handle before Run.
type Gateway struct {
	*gateway.Server
	Index   *readmodel.Model
	Backend *Backend
	// Stories is the stories in view, from the stories bucket's watch.
	Stories      *gateway.StoryView
	storiesStore *bus.Stories
	// Metrics is served on /metrics; stages in the same process count into it.
	Metrics *metrics.Metrics
	// Web is the HTML pages, feeds and the live event stream.
	Web       *web.Web
	log       *slog.Logger
	retention time.Duration

	poller *feeds.Poller
	inbox  *feeds.Inbox
}

// NewGateway opens the stores and builds the API.
func NewGateway(ctx context.Context, c Config, b *bus.Bus, p *pipeline.Pipeline, log *slog.Logger) (*Gateway, error) {
	be, err := NewBackend(ctx, b, p)
	if err != nil {
		return nil, err
	}
	store, err := readmodel.Open(ctx, filepath.Join(c.DataDir, "readmodel"), c.DBURL)
	if err != nil {
		return nil, err
	}
	idx := readmodel.NewModel(store)
	m := NewMetrics(b)
	p.Limited = m.Limited // the all-in-one runs its stages with p
	srv := gateway.New(gateway.Config{
		MaxBytes: c.MaxBytes, APIToken: c.APIToken, RatePerSecond: c.RateLimit.Per, RateBurst: c.RateLimit.Burst, Log: log,
		TrustedProxies: c.TrustedProxies,
		OnSubmit:       func(result string) { m.Submitted("api", result) },
	}, be, idx)
	g := &Gateway{Server: srv, Index: idx, Backend: be, Metrics: m, log: log, retention: c.Retention}
	wb, err := web.New(web.Config{
		Index: idx, Store: be, PublicURL: c.PublicURL, Languages: c.Languages, Log: log, OnStream: m.StreamClients,
		Submit: g.SubmitFunc("web"), APIToken: c.APIToken, MaxBytes: c.MaxBytes,
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	g.Web = wb
	wb.Register(srv)
	srv.Handle("GET /metrics", m.Handler())
	stories, err := b.Stories(ctx)
	if err != nil {
		return nil, err
	}
	view := gateway.NewStoryView(c.StoryWindow)
	srv.RegisterStories(view)
	wb.SetStories(view)
	g.Stories, g.storiesStore = view, stories
	if err := g.inputs(ctx, c); err != nil {
		store.Close()
		return nil, err
	}
	return g, nil
}

// Run serves HTTP on addr and keeps the read model current until ctx is
// done, then closes it.
func (g *Gateway) Run(ctx context.Context, addr string, ready chan<- string) error {
	defer g.Index.Close()
	var wg sync.WaitGroup
	defer wg.Wait() // before Close
	wg.Go(func() { Project(ctx, g.Backend.Briefs, g.Index, g.log) })
	if g.retention > 0 {
		wg.Go(func() {
			g.Index.Retain(ctx, g.retention, time.Hour, func(err error) { g.log.Error("expiring briefs", "err", err) })
		})
	}
	go func() {
		for ctx.Err() == nil {
			err := g.storiesStore.Watch(ctx, func(s *news.Story, live bool) { g.Stories.Add(s, live) })
			if err != nil && ctx.Err() == nil {
				g.log.Warn("story watch stopped; restarting", "err", err)
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
		g.Stories.Close()
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

// projectBatch is how many bucket entries one read model transaction
// applies at most.
const projectBatch = 512

// Project keeps m current from the briefs bucket until ctx is done: it
// resumes after the model's checkpoint, so a restart reads only what came
// since, and restarts after an error from the checkpoint again (applying is
// idempotent, so nothing is lost or doubled).
func Project(ctx context.Context, briefs *bus.Briefs, m *readmodel.Model, log *slog.Logger) {
	for ctx.Err() == nil {
		err := projectOnce(ctx, briefs, m, log)
		if err != nil && ctx.Err() == nil {
			log.Warn("read model projection stopped; resuming from its checkpoint", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func projectOnce(ctx context.Context, briefs *bus.Briefs, m *readmodel.Model, log *slog.Logger) error {
	cp, err := m.Checkpoint(ctx)
	if err != nil {
		return err
	}
	last, err := briefs.LastSeq(ctx)
	if err != nil {
		return err
	}
	if cp > last {
		// The bucket was created again (its sequences start over): what
		// the read model holds is from the old one.
		log.Warn("read model checkpoint is past the briefs bucket's end: the bucket is new; rebuilding the read model", "checkpoint", cp, "bucket_last_seq", last)
		if err := m.Reset(ctx); err != nil {
			return err
		}
		cp = 0
	}
	log.Info("read model following the briefs bucket", "after_seq", cp)
	changes := make([]readmodel.Change, 0, projectBatch)
	return briefs.Follow(ctx, cp, projectBatch, func(ctx context.Context, batch []bus.BriefChange, lag uint64, live bool) error {
		changes = changes[:0]
		for _, c := range batch {
			changes = append(changes, readmodel.Change{Seq: c.Seq, ID: c.Key, Data: c.Data})
		}
		if len(changes) > 0 {
			_, err := m.Project(ctx, changes, live)
			if errors.Is(err, readmodel.ErrBadBrief) {
				log.Error("read model skipped briefs it cannot read", "err", err)
			} else if err != nil {
				return err
			}
		}
		m.SetLag(lag)
		return nil
	})
}
