package faults

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
	"github.com/newsbrief/newsbrief/pkg/langdetect"
	"github.com/newsbrief/newsbrief/pkg/llm/llmtest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/stage"
)

// These tests run the pipeline in the test process (so they work under
// -race) against an embedded JetStream server.

// inproc builds the full pipeline from env (as `newsbrief serve` would) and
// runs every stage and the recorder until the test ends. observe sees
// every settled message.
func inproc(t *testing.T, b *bus.Bus, env map[string]string, wrap func(*pipeline.Pipeline), observe func(bus.Outcome)) {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	c, err := service.Load(flag.NewFlagSet("test", flag.ContinueOnError), nil, getenv, "")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	det, err := langdetect.New(c.Languages)
	if err != nil {
		t.Fatal(err)
	}
	ents, sum, err := service.Engines(c, log)
	if err != nil {
		t.Fatal(err)
	}
	arts, err := b.Articles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Pipeline{Ingest: service.NewIngester(c), Detector: det, Entities: ents, Summariser: sum, Claimer: arts}
	if wrap != nil {
		wrap(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- service.RunStages(ctx, b, p, service.Stages, c.Workers, true, observe) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunStages: %v", err)
		}
	})
}

// poisoned panics on articles carrying the marker while broken is set.
type poisoned struct {
	pipeline.Summariser
	marker string
	broken *atomic.Bool
}

func (p poisoned) Summarise(ctx context.Context, x news.Extracted) (pipeline.Summary, error) {
	if p.broken.Load() && strings.Contains(x.Article.Body, p.marker) {
		var m map[string]int
		m["boom"]++ // a nil-map write: a real bug, not a staged error
	}
	return p.Summariser.Summarise(ctx, x)
}

// TestPoisonMessage: one article makes the summariser panic. It goes to the
// DLQ with the panic as its reason, the rest flow on; after the "fix",
// `newsbrief dlq retry ID` re-injects it and it is briefed once.
func TestPoisonMessage(t *testing.T) {
	s := bustest.Server(t)
	b := bustest.Connect(t, s)
	var broken atomic.Bool
	broken.Store(true)
	const marker = "POISON-7f3a"
	inproc(t, b, map[string]string{"NEWSBRIEF_ENTITIES_ENGINE": "offline", "NEWSBRIEF_SUMMARY_ENGINE": "offline"},
		func(p *pipeline.Pipeline) { p.Summariser = poisoned{p.Summariser, marker, &broken} }, nil)

	arts := corpus(t, 30, "poison")
	poison := corpus(t, 1, "poison "+marker)[0]
	arts = append(arts[:15:15], append([]article{poison}, arts[15:]...)...)
	submitNATS(t, b, arts)
	waitSettled(t, b, ids(arts), 60*time.Second)
	r := check(t, b, ids(arts))
	if r.Briefed != len(arts)-1 || r.Failed != 1 || r.DLQ != 1 {
		t.Errorf("before the fix: %s, want %d briefed, 1 failed, 1 in the DLQ", r, len(arts)-1)
	}
	st, _ := mustArticles(t, b).Get(context.Background(), poison.ID)
	if st.Status != news.StatusFailed || !strings.Contains(st.Reason, "panic") || st.Stage != news.StageSummarise {
		t.Errorf("poison status = %+v, want failed at summarise with a panic reason", st)
	}
	t.Logf("poison: %s at %s: %s", st.Status, st.Stage, st.Reason)
	if strings.Contains(st.Reason, "goroutine") || len(st.Reason) > 300 {
		t.Errorf("the status readers see carries the stack (%d bytes); it belongs in the dead letter's detail", len(st.Reason))
	}
	result(t, r)

	env := []string{"NATS_URL=" + s.ClientURL()}
	out, code := cli(t, env, "dlq", "list")
	if code != 0 || !strings.Contains(out, poison.ID) || !strings.Contains(out, "panic") {
		t.Fatalf("dlq list: exit %d\n%s", code, out)
	}
	if out, code := cli(t, env, "dlq", "list", "--json"); code != 0 || !strings.Contains(out, `"detail"`) || !strings.Contains(out, "goroutine") {
		t.Errorf("dlq list --json: exit %d, want the panic's stack in detail\n%.500s", code, out)
	}
	broken.Store(false) // the fix is deployed
	if out, code := cli(t, env, "dlq", "retry", poison.ID); code != 0 {
		t.Fatalf("dlq retry %s: exit %d\n%s", poison.ID, code, out)
	}
	waitFor(30*time.Second, func() bool {
		st, _ := mustArticles(t, b).Get(context.Background(), poison.ID)
		return st.Status == news.StatusBriefed
	})
	r = check(t, b, ids(arts))
	if r.Briefed != len(arts) || r.DLQ != 0 {
		t.Errorf("after dlq retry: %s, want all %d briefed and an empty DLQ", r, len(arts))
	}
	if out, code := cli(t, env, "dlq", "retry", "--all"); code != 2 {
		t.Errorf("dlq retry --all on an empty DLQ: exit %d, want 2\n%s", code, out)
	}
	result(t, r)
}

func mustArticles(t *testing.T, b *bus.Bus) *bus.Articles {
	t.Helper()
	a, err := b.Articles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// cli runs the newsbrief binary and returns its combined output and exit code.
func cli(t testing.TB, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin("newsbrief"), args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}, env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running newsbrief %v: %v", args, err)
	}
	return buf.String(), cmd.ProcessState.ExitCode()
}

// TestLLMFaults: for the first seconds the LLM endpoint answers 429 with
// Retry-After, 500, too slowly, or garbage, then recovers. Every article
// still settles (a brief from the LLM or the offline fallback, or a dead
// letter with a reason), and redeliveries stay bounded: no storm.
func TestLLMFaults(t *testing.T) {
	s := bustest.Server(t)
	b := bustest.Connect(t, s)
	startAt := time.Now()
	const window = 3 * time.Second
	var mu sync.Mutex
	faults := map[string]int{}
	srv := llmtest.NewServer(llmtest.Options{Hook: func(n int, r llmtest.Request) *llmtest.Fault {
		if strings.Contains(r.Article, "(llm-outage") {
			// These articles meet an endpoint that is down for good.
			mu.Lock()
			faults["500 always"]++
			mu.Unlock()
			f := llmtest.ServerError()
			return &f
		}
		if time.Since(startAt) > window {
			return nil
		}
		var f llmtest.Fault
		kind := ""
		switch n % 4 {
		case 0:
			f, kind = llmtest.RateLimit("6"), "429 retry-after 6s"
		case 1:
			f, kind = llmtest.ServerError(), "500"
		case 2:
			f, kind = llmtest.Slow(3*time.Second), "timeout"
		case 3:
			f, kind = llmtest.InvalidJSON(), "garbage"
		}
		mu.Lock()
		faults[kind]++
		mu.Unlock()
		return &f
	}})
	t.Cleanup(srv.Close)

	var outcomes []bus.Outcome
	var omu sync.Mutex
	inproc(t, b, map[string]string{
		"OPENAI_BASE_URL": srv.BaseURL(), "OPENAI_API_KEY": "sk-test", "NEWSBRIEF_LLM_MODEL": "llmtest",
		"NEWSBRIEF_LLM_TIMEOUT": "1s", "NEWSBRIEF_LLM_CONCURRENCY": "4",
		"NEWSBRIEF_ENTITIES_ENGINE": "llm", "NEWSBRIEF_SUMMARY_ENGINE": "llm",
	}, nil, func(o bus.Outcome) { omu.Lock(); outcomes = append(outcomes, o); omu.Unlock() })

	arts := append(corpus(t, 35, "llm-faults"), corpus(t, 5, "llm-outage")...)
	submitNATS(t, b, arts)
	waitSettled(t, b, ids(arts), 120*time.Second)
	r := check(t, b, ids(arts))

	omu.Lock()
	defer omu.Unlock()
	retries, maxDelivered := 0, 0
	for _, o := range outcomes {
		if o.Action == stage.Retry {
			retries++
		}
		maxDelivered = max(maxDelivered, o.Delivered)
	}
	r.Redelivered = retries
	mu.Lock()
	t.Logf("LLM faults injected: %v; LLM requests %d; stage retries %d; most deliveries of one message %d", faults, srv.Requests(), retries, maxDelivered)
	mu.Unlock()
	if maxDelivered > stage.DefaultPolicy.MaxDeliver {
		t.Errorf("a message was delivered %d times, over the policy's %d", maxDelivered, stage.DefaultPolicy.MaxDeliver)
	}
	if retries > 2*len(arts) {
		t.Errorf("%d retries for %d articles: a redelivery storm", retries, len(arts))
	}
	fallbacks := 0
	briefs, _ := b.Briefs(context.Background())
	for _, id := range ids(arts) {
		if br, err := briefs.Get(context.Background(), id); err == nil && (strings.Contains(br.Method.Entities, "llm failed") || br.Method.Summary == "offline") {
			fallbacks++
		}
	}
	t.Logf("briefs made by the offline fallback: %d", fallbacks)
	if fallbacks < 5 {
		t.Errorf("%d briefs fell back to the offline engines, want at least the 5 whose LLM calls always fail", fallbacks)
	}
	result(t, r)
}
