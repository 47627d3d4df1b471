package gateway

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(2, 3) // 2/s, burst 3
	for i := range 3 {
		if ok, _ := l.allow("1.2.3.4", now); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	ok, wait := l.allow("1.2.3.4", now)
	if ok {
		t.Fatal("4th request at once allowed; want refused")
	}
	if wait <= 0 || wait > time.Second {
		t.Errorf("wait = %s, want (0, 1s] at 2/s", wait)
	}
	if ok, _ := l.allow("5.6.7.8", now); !ok {
		t.Error("another client refused: buckets must be per IP")
	}
	if ok, _ := l.allow("1.2.3.4", now.Add(600*time.Millisecond)); !ok {
		t.Error("refused after a refill interval")
	}
	if newLimiter(0, 10) != nil {
		t.Error("rate 0 must mean no limiter")
	}
}

func TestLimiterSweepsIdleClients(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(10, 10)
	for i := range 100 {
		l.allow(fmt.Sprintf("10.0.0.%d", i), now)
	}
	l.allow("late", now.Add(10*time.Minute))
	if got := len(l.clients); got != 1 {
		t.Errorf("%d clients kept after 10 idle minutes, want 1", got)
	}
}
