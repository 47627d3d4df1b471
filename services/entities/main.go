// Command entities is the entity-extraction worker: offline engine, or an
// OpenAI-compatible LLM with the offline engine as fallback.
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
)

func main() {
	os.Exit(service.Main("entities", func(c service.Config, log *slog.Logger) (*pipeline.Pipeline, error) {
		ents, _, err := service.Engines(c, log)
		if err != nil {
			return nil, err
		}
		return &pipeline.Pipeline{Entities: ents}, nil
	}))
}
