package pipeline

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// fetchFails is an Ingester whose every URL fetch fails with err.
type fetchFails struct{ err error }

func (f fetchFails) Decode(data []byte, _ string) (news.Submission, error) {
	return news.Submission{URL: string(data)}, nil
}
func (f fetchFails) Normalise(s news.Submission, _ time.Time) (news.Article, error) {
	return news.Article{}, errors.New("not reached")
}
func (f fetchFails) Fetch(context.Context, string) (news.Submission, error) {
	return news.Submission{}, f.err
}

// A temporary fetch failure is retried, not rejected; any other is a
// rejection (issue #13 item 14).
func TestIngestStageTemporaryFetch(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		reject bool
	}{
		{"timeout", Temporary(errors.New("cannot fetch URL: timed out")), false},
		{"5xx", Temporary(fmt.Errorf("wrapped: %w", errors.New("the server answered 503"))), false},
		{"404", errors.New("cannot fetch URL: the server answered 404"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Pipeline{Ingest: fetchFails{c.err}}
			_, err := p.IngestStage(context.Background(), Raw{Data: []byte("https://example.org/a")})
			_, rejected := stage.AsRejection(err)
			if rejected != c.reject {
				t.Errorf("rejected = %v, want %v (%v)", rejected, c.reject, err)
			}
			d := stage.Decide(err, 1, stage.DefaultPolicy)
			if want := map[bool]stage.Action{true: stage.RejectIt, false: stage.Retry}[c.reject]; d.Action != want {
				t.Errorf("runner action %v, want %v", d.Action, want)
			}
		})
	}
}
