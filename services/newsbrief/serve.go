package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// serve runs the all-in-one server until ctx is done. ready, if not nil,
// receives the HTTP address once everything runs (tests).
func serve(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string, ready chan<- string) error {
	start := time.Now()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, err := service.Load(fs, args, getenv, DefaultHTTPAddr)
	if err != nil {
		return err
	}
	log := c.Logger(stderr).With("service", "newsbrief")
	// Every engine is made before anything starts, so a bad setting (an LLM
	// endpoint, a model) is reported with the others and nothing has to be
	// stopped again.
	p, err := buildPipeline(c, log)
	if err != nil {
		return err
	}

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
			url := "http://" + browsable(addr) + "/"
			log.Info("newsbrief ready: open "+url, "url", url, "http", addr, "nats", natsURL, "startup_ms", time.Since(start).Milliseconds())
			if ready != nil {
				ready <- addr
			}
		case <-ctx.Done():
		}
	}()
	err = service.Group(ctx,
		func(ctx context.Context) error {
			observe := service.Observer(gw.Metrics, append(slices.Clone(service.Stages), news.StageRecord)...)
			return service.RunStages(ctx, b, p, service.Stages, c.Workers, true, observe)
		},
		func(ctx context.Context) error { return gw.Run(ctx, c.HTTPAddr, httpReady) },
	)
	log.Info("stopped: stages drained")
	return err
}

// buildPipeline makes every engine: ingest, the language detector (lingua),
// entities and summary.
func buildPipeline(c service.Config, log *slog.Logger) (*pipeline.Pipeline, error) {
	det, err := langdetect.New(c.Languages)
	if err != nil {
		return nil, fmt.Errorf("language detector: %w", err)
	}
	ents, sum, err := service.Engines(c, log)
	if err != nil {
		return nil, err
	}
	return &pipeline.Pipeline{Ingest: service.NewIngester(c), Detector: det, Entities: ents, Summariser: sum}, nil
}

// DefaultHTTPAddr is where `newsbrief serve` listens unless told: loopback
// only, since the API takes articles without a token by default. Expose it
// with NEWSBRIEF_HTTP_ADDR=:8080 (and NEWSBRIEF_API_TOKEN).
const DefaultHTTPAddr = "127.0.0.1:8080"

// browsable turns a listen address into one a browser can open: an
// unspecified host (":8080", "0.0.0.0:8080") is this machine.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func healthcheck(getenv func(string) string) int {
	addr := getenv("NEWSBRIEF_HTTP_ADDR")
	if addr == "" {
		addr = DefaultHTTPAddr
	}
	return service.Healthcheck(addr)
}
