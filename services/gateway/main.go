// Command gateway serves the HTTP API and web page, and records briefs,
// rejections and dead letters into the KV buckets it reads from.
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

func main() {
	os.Exit(service.Main("gateway", func(c service.Config, _ *slog.Logger) (*pipeline.Pipeline, error) {
		return &pipeline.Pipeline{Ingest: service.NewIngester(c)}, nil
	}))
}
