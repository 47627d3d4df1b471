package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/newsbrief/newsbrief/pkg/feeds"
	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// SubmitFunc returns the function the feed poller and the inbox submit
// through: gateway.Submit on the gateway's backend (prepare, claim, queue
// with trace context), counted in newsbrief_submissions_total{origin}.
func (g *Gateway) SubmitFunc(origin string) feeds.Submit {
	return func(ctx context.Context, r pipeline.Raw) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		res, err := gateway.Submit(ctx, g.Backend, r)
		switch {
		case errors.Is(err, gateway.ErrUnavailable):
			g.Metrics.Submitted(origin, "error")
			return res.ID, fmt.Errorf("%w: %w", feeds.ErrRetry, err)
		case err != nil:
			g.Metrics.Submitted(origin, "rejected")
			return "", err
		case res.Duplicate:
			g.Metrics.Submitted(origin, "duplicate")
		default:
			g.Metrics.Submitted(origin, "queued")
		}
		return res.ID, nil
	}
}

// inputs builds the feed poller and inbox the config asks for and serves
// GET /v1/feeds (an empty list when no feed is configured). The poller keeps
// its state in the feeds KV bucket.
func (g *Gateway) inputs(ctx context.Context, c Config) error {
	if len(c.Feeds) > 0 {
		store, err := g.Backend.B.FeedStates(ctx)
		if err != nil {
			return err
		}
		g.poller = &feeds.Poller{
			Feeds: c.Feeds, Interval: c.FeedsInterval, MaxBytes: c.MaxBytes,
			Client: FetchClient(c), // the guarded client, as for submitted URLs
			Submit: g.SubmitFunc("feed"), Log: g.log.With("stage", "feeds"), OnPoll: g.Metrics.FeedPoll,
			Store: store,
		}
		g.Handle("GET /v1/feeds", g.poller.Handler())
	} else {
		g.Handle("GET /v1/feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			fmt.Fprintln(w, `{"feeds": []}`)
		}))
	}
	if c.Inbox != "" {
		g.inbox = &feeds.Inbox{Dir: c.Inbox, MaxBytes: c.MaxBytes * 2, Submit: g.SubmitFunc("inbox"), Log: g.log.With("stage", "inbox")}
	}
	return nil
}

// runInputs runs the poller and the inbox until ctx is done; their errors
// are logged, never fatal.
func (g *Gateway) runInputs(ctx context.Context) {
	if g.poller != nil {
		go func() { _ = g.poller.Run(ctx) }()
	}
	if g.inbox != nil {
		go func() {
			if err := g.inbox.Run(ctx); err != nil {
				g.log.Error("inbox stopped", "err", err)
			}
		}()
	}
}
