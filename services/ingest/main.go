// Command ingest is the ingest worker: it reads raw submissions from
// news.submitted, fetches URLs, extracts and normalises text and publishes
// articles with their content-hash id on news.ingested. (The gateway does
// the same for what reaches it over HTTP, so those skip this hop.)
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

func main() {
	os.Exit(service.Main("ingest", func(c service.Config, _ *slog.Logger) (*pipeline.Pipeline, error) {
		return &pipeline.Pipeline{Ingest: service.NewIngester(c)}, nil
	}))
}
