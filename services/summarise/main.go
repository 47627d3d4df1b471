// Command summarise is the summary worker: it writes the brief (offline
// extractive summary, or an LLM brief checked against the article) and
// publishes it on news.briefed.<lang>.
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

func main() {
	os.Exit(service.Main("summarise", func(c service.Config, log *slog.Logger) (*pipeline.Pipeline, error) {
		_, sum, err := service.Engines(c, log)
		if err != nil {
			return nil, err
		}
		return &pipeline.Pipeline{Summariser: sum}, nil
	}))
}
