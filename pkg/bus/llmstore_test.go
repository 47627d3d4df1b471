package bus_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
)

// The LLM ledger and cache on KV are shared by processes (two
// connections here) and the ledger's updates are atomic: 16 reservations
// of 10 tokens at once against a budget of 50, half from each process,
// admit exactly 5 (issue #13 item 15).
func TestLLMStoresSharedAndAtomic(t *testing.T) {
	b1, s := bustest.New(t)
	b2 := bustest.Connect(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ledgers [2]*bus.LLMLedger
	var caches [2]*bus.LLMCache
	for i, b := range []*bus.Bus{b1, b2} {
		l, c, err := b.LLMStores(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ledgers[i], caches[i] = l, c
	}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, fit, err := ledgers[i%2].Reserve(ctx, "2026-03-01", 10, 50)
			if err != nil {
				t.Error(err)
			}
			if fit {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := ok.Load(); n != 5 {
		t.Errorf("%d reservations admitted, want 5", n)
	}
	if err := ledgers[0].Add(ctx, "2026-03-01", -7); err != nil {
		t.Fatal(err)
	}
	if spent, err := ledgers[1].Spent(ctx, "2026-03-01"); err != nil || spent != 43 {
		t.Errorf("spent seen by the other process = %d, %v; want 43", spent, err)
	}
	if spent, _ := ledgers[1].Spent(ctx, "2026-03-02"); spent != 0 {
		t.Errorf("a new day starts at %d", spent)
	}

	if err := caches[0].Put(ctx, "llm:brief:0123abcd", []byte(`{"headline":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if v, hit, err := caches[1].Get(ctx, "llm:brief:0123abcd"); err != nil || !hit || string(v) != `{"headline":"x"}` {
		t.Errorf("the other process's cache: %q %v %v", v, hit, err)
	}
	if _, hit, _ := caches[1].Get(ctx, "llm:brief:ffff"); hit {
		t.Error("a miss was a hit")
	}
}
