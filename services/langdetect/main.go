// Command langdetect is the language-detection worker: the only worker
// that links lingua-go (≈130 MB of models). It routes articles to
// news.detected.<lang> or rejects unsupported languages.
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

func main() {
	os.Exit(service.Main("langdetect", func(c service.Config, _ *slog.Logger) (*pipeline.Pipeline, error) {
		det, err := langdetect.New(c.Languages)
		if err != nil {
			return nil, err
		}
		return &pipeline.Pipeline{Detector: det}, nil
	}))
}
