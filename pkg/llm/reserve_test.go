package llm_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/llm"
	"github.com/newsbrief/newsbrief/pkg/llm/llmtest"
)

// Concurrent calls cannot all pass the budget check and overshoot
// together (issue #13 item 15): tokens are reserved before a call starts,
// so once the day's budget is taken no other call starts. Two clients
// sharing a ledger (two processes sharing the KV ledger) share the budget.
func TestBudgetReservedBeforeTheCall(t *testing.T) {
	srv := llmtest.NewServer(llmtest.Options{Latency: 100 * time.Millisecond})
	defer srv.Close()
	ledger := llm.NewMemoryLedger()
	clients := []*llm.Client{
		newClient(t, srv, func(c *llm.Config) { c.DailyTokens = 1; c.BudgetMode = llm.BudgetOffline; c.Concurrency = 8 }, llm.WithLedger(ledger)),
		newClient(t, srv, func(c *llm.Config) { c.DailyTokens = 1; c.BudgetMode = llm.BudgetOffline; c.Concurrency = 8 }, llm.WithLedger(ledger)),
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = clients[i%2].Brief(context.Background(), llm.BriefInput{ArticleID: fmt.Sprintf("r%d", i), Body: article, Lang: "en"})
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, llm.ErrBudget):
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || refused != 7 || srv.Requests() != 1 {
		t.Errorf("8 concurrent calls on a 1-token budget: %d ran, %d refused, %d requests; want 1, 7, 1", ok, refused, srv.Requests())
	}
	// The reservation was replaced by what the call used.
	day := time.Now().UTC().Format("2006-01-02")
	if spent, _ := ledger.Spent(context.Background(), day); spent <= 1 || spent > 5000 {
		t.Errorf("ledger after one call: %d tokens", spent)
	}
}
