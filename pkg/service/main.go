package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// Build makes the part of the pipeline a worker needs.
type Build func(c Config, log *slog.Logger) (*pipeline.Pipeline, error)

// Main is the whole main of a worker binary: `<name> healthcheck` for
// container health checks, `<name> setup` to declare the streams and
// buckets (with the ops credential) and exit, otherwise run the stage until SIGINT/SIGTERM,
// with /healthz, /readyz and /metrics on NEWSBRIEF_HTTP_ADDR (default
// :9090). The gateway runs the HTTP API and the recorder instead of a stage.
func Main(name string, build Build) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runWorker(ctx, name, os.Args[1:], os.Getenv, build); err != nil {
		if errors.Is(err, errHealth) {
			return 1
		}
		fmt.Fprintf(os.Stderr, "newsbrief-%s: %v\n", name, err)
		return 1
	}
	return 0
}

var errHealth = errors.New("unhealthy")

func runWorker(ctx context.Context, name string, args []string, getenv func(string) string, build Build) error {
	httpDefault := ":9090"
	if name == "gateway" {
		httpDefault = ":8080"
	}
	if len(args) > 0 && args[0] == "healthcheck" {
		addr := getenv("NEWSBRIEF_HTTP_ADDR")
		if addr == "" {
			addr = httpDefault
		}
		if Healthcheck(addr) != 0 {
			return errHealth
		}
		return nil
	}
	setup := len(args) > 0 && args[0] == "setup"
	if setup {
		args = args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c, err := Load(fs, args, getenv, httpDefault)
	if err != nil {
		return err
	}
	log := c.Logger(os.Stderr).With("service", name)
	if setup {
		return Setup(ctx, c, name, os.Stdout, log)
	}
	p, err := build(c, log)
	if err != nil {
		return err
	}
	b, err := Connect(ctx, c, name, log)
	if err != nil {
		return err
	}
	defer b.Close()
	ShareLLM(ctx, b, p, log)
	if p.Claimer == nil {
		arts, err := b.Articles(ctx)
		if err != nil {
			return err
		}
		p.Claimer = arts
	}
	if name == "gateway" {
		gw, err := NewGateway(ctx, c, b, p, log)
		if err != nil {
			return err
		}
		return Group(ctx,
			func(ctx context.Context) error { return gw.Run(ctx, c.HTTPAddr, nil) },
			func(ctx context.Context) error {
				return bus.Record(ctx, b, c.Workers, Observer(gw.Metrics, news.StageRecord))
			},
		)
	}
	m := NewMetrics(b)
	p.Summariser = Metered(p.Summariser, m)
	p.Limited = m.Limited
	return Group(ctx,
		func(ctx context.Context) error {
			return Serve(ctx, c.HTTPAddr, Mux(b, map[string]http.Handler{"GET /metrics": m.Handler()}), log, nil)
		},
		func(ctx context.Context) error { return RunStage(ctx, b, p, name, c.Workers, Observer(m, name)) },
	)
}

// Setup declares the streams and KV buckets and prints what it declared:
// the one step that needs the right to create or update them, so workers
// can run in BindOnly mode without it.
func Setup(ctx context.Context, c Config, name string, stdout io.Writer, log *slog.Logger) error {
	c.BindOnly = false
	b, err := Connect(ctx, c, name+"-setup", log)
	if err != nil {
		return err
	}
	defer b.Close()
	names, err := b.Setup(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintln(stdout, "declared", n)
	}
	return nil
}
