package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	m := New()
	m.Stage("ingest", stage.Publish, 3*time.Millisecond)
	m.Stage("ingest", stage.Ack, time.Millisecond)
	m.Stage("langdetect", stage.RejectIt, time.Millisecond)
	m.Stage("summarise", stage.Retry, time.Second)
	m.Stage("summarise", stage.DeadLetter, time.Second)
	m.LLM(&news.LLMUsage{Model: "gpt-x", PromptTokens: 100, CompletionTokens: 20, CostUSD: 0.5})
	m.LLM(&news.LLMUsage{Model: "gpt-x", PromptTokens: 100, CompletionTokens: 20, CostUSD: 0.5, Cached: true})
	m.LLM(nil)
	m.Submitted("feed", "queued")
	m.FeedPoll("not_modified")
	m.StreamClients(2)
	m.WatchQueues(func(ctx context.Context) ([]Depth, error) {
		return []Depth{{Stream: "NEWS", Consumer: "ingest", Pending: 7, AckPending: 2}}, nil
	}, time.Second)
	out := scrape(t, m)
	for _, want := range []string{
		`newsbrief_stage_processed_total{stage="ingest"} 2`,
		`newsbrief_stage_rejected_total{stage="langdetect"} 1`,
		`newsbrief_stage_failed_total{stage="summarise"} 2`,
		`newsbrief_stage_retried_total{stage="summarise"} 1`,
		`newsbrief_stage_dead_lettered_total{stage="summarise"} 1`,
		`newsbrief_stage_duration_seconds_count{outcome="publish",stage="ingest"} 1`,
		`newsbrief_llm_tokens_total{kind="prompt",model="gpt-x"} 100`,
		`newsbrief_llm_cost_usd_total{model="gpt-x"} 0.5`,
		`newsbrief_llm_briefs_total{cached="true",model="gpt-x"} 1`,
		`newsbrief_submissions_total{origin="feed",result="queued"} 1`,
		`newsbrief_feed_polls_total{result="not_modified"} 1`,
		`newsbrief_stream_clients 2`,
		`newsbrief_queue_pending{consumer="ingest",stream="NEWS"} 7`,
		`newsbrief_queue_ack_pending{consumer="ingest",stream="NEWS"} 2`,
		`newsbrief_queue_scrape_error 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestQueueScrapeErrorAndTimeout(t *testing.T) {
	m := New()
	m.WatchQueues(func(ctx context.Context) ([]Depth, error) {
		<-ctx.Done()
		return nil, errors.New("slow")
	}, 20*time.Millisecond)
	start := time.Now()
	out := scrape(t, m)
	if !strings.Contains(out, "newsbrief_queue_scrape_error 1") {
		t.Error("want scrape error 1")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("scrape took %s", d)
	}
}

func TestNilIsNoop(t *testing.T) {
	var m *Metrics
	m.Stage("x", stage.Publish, 0)
	m.LLM(&news.LLMUsage{})
	m.Submitted("api", "queued")
	m.FeedPoll("ok")
	m.StreamClients(1)
	m.WatchQueues(nil, 0)
}
