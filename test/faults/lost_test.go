package faults

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// inflated writes a summary bigger than any message for articles carrying
// the marker: the brief cannot be published, whatever the retries.
type inflated struct {
	pipeline.Summariser
	marker string
}

func (s inflated) Summarise(ctx context.Context, x news.Extracted) (pipeline.Summary, error) {
	sum, err := s.Summariser.Summarise(ctx, x)
	if err == nil && strings.Contains(x.Article.Body, s.marker) {
		sum.Summary = strings.Repeat("troppo lungo ", (bus.DefaultMaxMsgSize/12)+1)
	}
	return sum, err
}

// TestAcceptedNeverLost (issue #13 item 5): an article whose brief is over
// the message limit ends "failed" with the reason after one try, with one
// dead letter; `newsbrief audit` finds nothing stuck, and does name an
// article left pending with no message in flight.
func TestAcceptedNeverLost(t *testing.T) {
	s := bustest.Server(t)
	b := bustest.Connect(t, s)
	o := newOutcomes()
	const marker = "INFLATE-51c2"
	inproc(t, b, map[string]string{"NEWSBRIEF_ENTITIES_ENGINE": "offline", "NEWSBRIEF_SUMMARY_ENGINE": "offline"},
		func(p *pipeline.Pipeline) {
			p.Summariser = inflated{p.Summariser, marker}
			// The per-article limits (item 6) keep real briefs far below
			// the message limit; lifted here so the runner's handling of an
			// output that cannot be published is what is tested.
			const huge = 1 << 30
			p.Limits = pipeline.Limits{MentionsPerEntity: huge, Entities: huge, SummaryBytes: huge,
				KeyPointBytes: huge, KeyPoints: huge, HeadlineBytes: huge, Words: huge, Translations: huge}
		}, o.observe)

	data, big := prepared(t, forgedText(0, "lost "+marker))
	data2, ok := prepared(t, forgedText(1, "lost"))
	for _, d := range [][]byte{data, data2} {
		if err := b.Submit(context.Background(), d, "application/json"); err != nil {
			t.Fatal(err)
		}
	}
	st := waitFinal(t, b, big.ID)
	if st.Status != news.StatusFailed || !strings.Contains(st.Reason, "message limit") || st.Stage != news.StageSummarise {
		t.Errorf("over-limit brief: %+v, want failed at summarise naming the message limit", st)
	}
	x := o.wait(t, "the summarise dead letter", 30*time.Second, func(x bus.Outcome) bool {
		return x.Stage == news.StageSummarise && x.ID == big.ID
	})
	if x.Action != stage.DeadLetter || x.Delivered != 1 {
		t.Errorf("summarise: %v after %d deliveries, want a dead letter at the first", x.Action, x.Delivered)
	}
	if st := waitFinal(t, b, ok.ID); st.Status != news.StatusBriefed {
		t.Errorf("the normal article: %+v", st)
	}
	r := check(t, b, []string{big.ID, ok.ID})
	if r.Failed != 1 || r.DLQ != 1 || r.Briefed != 1 {
		t.Errorf("%s, want 1 briefed, 1 failed with 1 dead letter", r)
	}
	result(t, r)

	env := []string{"NATS_URL=" + s.ClientURL()}
	if out, code := cli(t, env, "audit", "--older", "0s"); code != 0 {
		t.Errorf("audit after the faults: exit %d\n%s", code, out)
	}
	// An article left pending with nothing in flight (what an unpublishable
	// dead letter used to leave behind) is named.
	stuck := news.ID("", "stuck "+t.Name())
	if err := mustArticles(t, b).Set(context.Background(), news.Status{ID: stuck, Status: news.StatusPending, UpdatedAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	out, code := cli(t, env, "audit", "--older", "30m")
	if code != 1 || !strings.Contains(out, stuck) || strings.Contains(out, ok.ID) {
		t.Errorf("audit with a stuck article: exit %d, want 1 naming %s only\n%s", code, stuck, out)
	}
}

// audited fails the test if any article is pending with no message in
// flight (what `newsbrief audit` checks), once the test's faults are over.
func audited(t *testing.T, b *bus.Bus) {
	t.Helper()
	var stuck []news.Status
	retry(t, "auditing", func(ctx context.Context) (err error) { stuck, err = b.Stuck(ctx, 0); return err })
	for _, st := range stuck {
		t.Errorf("audit: article %s pending since %s with no message in flight", st.ID, st.UpdatedAt.Format(time.RFC3339))
	}
}
