package bench

import (
	"context"
	"sync"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// Replay returns a pipeline whose detector, entity and summary engines run
// the real ones on the first article only and answer every later article
// with that first result. The messages between the stages keep their real
// sizes while the stage functions cost next to nothing, so a run measures
// what the bus alone costs per article (`bench --replay`). Ingest and the
// claim are p's own.
func Replay(p *pipeline.Pipeline) *pipeline.Pipeline {
	r := *p
	r.Detector = &replayDetector{real: p.Detector}
	r.Entities = &replayEntities{real: p.Entities}
	r.Summariser = &replaySummariser{real: p.Summariser}
	return &r
}

type replayDetector struct {
	real pipeline.Detector
	once sync.Once
	lang news.Language
	err  error
}

func (d *replayDetector) Detect(title, body, hint string) (news.Language, error) {
	d.once.Do(func() { d.lang, d.err = d.real.Detect(title, body, hint) })
	return d.lang, d.err
}

type replayEntities struct {
	real   pipeline.Entities
	once   sync.Once
	ents   []news.Entity
	method string
	err    error
}

func (e *replayEntities) Entities(ctx context.Context, a news.Article) ([]news.Entity, string, error) {
	e.once.Do(func() { e.ents, e.method, e.err = e.real.Entities(ctx, a) })
	return e.ents, e.method, e.err
}

type replaySummariser struct {
	real pipeline.Summariser
	once sync.Once
	sum  pipeline.Summary
	err  error
}

func (s *replaySummariser) Summarise(ctx context.Context, x news.Extracted) (pipeline.Summary, error) {
	s.once.Do(func() { s.sum, s.err = s.real.Summarise(ctx, x) })
	return s.sum, s.err
}
