// Command cluster is the story worker: it places every brief in a story
// (package story), keeps the stories in KV bucket "stories", announces
// changes on news.story.updated and publishes each placement on
// news.storied.<lang>.
package main

import (
	"log/slog"
	"os"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/story"
)

func main() {
	os.Exit(service.Main("cluster", func(c service.Config, log *slog.Logger) (*pipeline.Pipeline, error) {
		return &pipeline.Pipeline{Story: story.Config{Window: c.StoryWindow}}, nil
	}))
}
