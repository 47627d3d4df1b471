package bus

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// SubmitWithHeaders is Submit with extra headers (trace context) that the
// stages carry to every message they publish for this article.
func (b *Bus) SubmitWithHeaders(ctx context.Context, id string, data []byte, contentType string, extra map[string][]string) error {
	h := nats.Header{}
	for k, v := range extra {
		h[k] = append([]string(nil), v...)
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if id == "" {
		id = news.RawID(data)
	}
	return b.publish(ctx, news.SubjectSubmitted, id, "submitted", data, h)
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
