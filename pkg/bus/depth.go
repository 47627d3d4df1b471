package bus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// PublishIngested publishes an article that is already prepared (decoded,
// normalised, claimed) on news.ingested, exactly as the ingest stage would
// (Msg-Id <id>.ingest): the gateway does that work to answer with the id, so
// its submissions skip the ingest hop instead of being prepared twice
// (issue #7). extra headers (trace context) travel with the article.
func (b *Bus) PublishIngested(ctx context.Context, a news.Article, extra map[string][]string) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encoding article %s: %w", a.ID, err)
	}
	h := nats.Header{}
	for k, v := range extra {
		h[k] = append([]string(nil), v...)
	}
	return b.publish(ctx, news.SubjectIngested, a.ID, news.StageIngest, data, h)
}

// Depth is one durable consumer's backlog.
type Depth struct {
	Stream, Consumer                 string
	Pending, AckPending, Redelivered uint64
}

// Depths lists the backlog of every consumer on the NEWS and DLQ streams,
// for the queue depth metrics.
func (b *Bus) Depths(ctx context.Context) ([]Depth, error) {
	var out []Depth
	for _, stream := range []string{news.StreamNews, news.StreamDLQ} {
		s, err := b.JS.Stream(ctx, stream)
		if err != nil {
			return out, fmt.Errorf("opening stream %s: %w", stream, err)
		}
		lister := s.ListConsumers(ctx)
		for ci := range lister.Info() {
			out = append(out, Depth{Stream: stream, Consumer: ci.Name, Pending: ci.NumPending, AckPending: uint64(ci.NumAckPending), Redelivered: uint64(ci.NumRedelivered)})
		}
		if err := lister.Err(); err != nil {
			return out, fmt.Errorf("listing consumers of %s: %w", stream, err)
		}
	}
	return out, nil
}
