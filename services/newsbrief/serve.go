package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// serve runs the all-in-one server until ctx is done. ready, if not nil,
// receives the HTTP address once everything runs (tests).
func serve(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string, ready chan<- string) error {
	start := time.Now()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, err := service.Load(fs, args, getenv, ":8080")
	if err != nil {
		return err
	}
	log := c.Logger(stderr).With("service", "newsbrief")

	natsURL := c.NATSURL
	var srvShutdown func()
	if natsURL == "" {
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return fmt.Errorf("creating data directory: %w", err)
		}
		dir, _ := filepath.Abs(c.DataDir)
		user, password, err := c.EmbeddedAuth()
		if err != nil {
			return err
		}
		s, err := bus.StartServer(bus.ServerConfig{Addr: c.NATSAddr, StoreDir: dir, Debug: c.LogLevel == "debug", User: user, Password: password})
		if err != nil {
			return err
		}
		srvShutdown = func() { s.Shutdown(); s.WaitForShutdown() }
		natsURL = s.ClientURL()
		c.NATSUser, c.NATSPassword = user, password
		log.Info("embedded NATS server started", "url", natsURL, "store", dir, "auth", password != "")
	}
	c.NATSURL = natsURL
	defer func() {
		if srvShutdown != nil {
			srvShutdown()
		}
	}()

	p, err := buildPipeline(c, getenv, log)
	if err != nil {
		return err
	}
	b, err := service.Connect(ctx, c, "serve", log)
	if err != nil {
		return err
	}
	defer b.Close()
	service.ShareLLM(ctx, b, p, log)
	arts, err := b.Articles(ctx)
	if err != nil {
		return err
	}
	p.Claimer = arts
	gw, err := service.NewGateway(ctx, c, b, p, log)
	if err != nil {
		return err
	}

	p.Summariser = service.Metered(p.Summariser, gw.Metrics)
	httpReady := make(chan string, 1)
	go func() {
		select {
		case addr := <-httpReady:
			log.Info("newsbrief ready", "http", addr, "nats", natsURL, "startup_ms", time.Since(start).Milliseconds())
			if ready != nil {
				ready <- addr
			}
		case <-ctx.Done():
		}
	}()
	err = service.Group(ctx,
		func(ctx context.Context) error {
			return service.RunStages(ctx, b, p, service.Stages, c.Workers, true, service.Observer(gw.Metrics))
		},
		func(ctx context.Context) error { return gw.Run(ctx, c.HTTPAddr, httpReady) },
	)
	log.Info("stopped: stages drained")
	return err
}

// buildPipeline makes every engine: ingest, the language detector (lingua),
// entities and summary.
func buildPipeline(c service.Config, getenv func(string) string, log *slog.Logger) (*pipeline.Pipeline, error) {
	det, err := langdetect.New(c.Languages)
	if err != nil {
		return nil, fmt.Errorf("language detector: %w", err)
	}
	ents, sum, err := service.Engines(c, getenv, log)
	if err != nil {
		return nil, err
	}
	return &pipeline.Pipeline{Ingest: service.NewIngester(c), Detector: det, Entities: ents, Summariser: sum}, nil
}

func healthcheck(getenv func(string) string) int {
	addr := getenv("NEWSBRIEF_HTTP_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	return service.Healthcheck(addr)
}
