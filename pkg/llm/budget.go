package llm

import (
	"context"
	"sync"
	"time"
)

// Ledger counts the tokens spent per UTC day ("2006-01-02"). It is an
// interface so replicas can share one budget later (a NATS KV counter, a
// database); MemoryLedger serves a single process.
type Ledger interface {
	Spent(ctx context.Context, day string) (int64, error)
	Add(ctx context.Context, day string, tokens int64) error
}

// MemoryLedger is an in-process Ledger. It keeps only the current days.
type MemoryLedger struct {
	mu   sync.Mutex
	days map[string]int64
}

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger { return &MemoryLedger{days: map[string]int64{}} }

// Spent returns the tokens added for day.
func (l *MemoryLedger) Spent(_ context.Context, day string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.days[day], nil
}

// Add adds tokens to day and forgets days older than it.
func (l *MemoryLedger) Add(_ context.Context, day string, tokens int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for d := range l.days {
		if d < day {
			delete(l.days, d)
		}
	}
	l.days[day] += tokens
	return nil
}

// utcDay names the UTC day of t, and returns how long until it ends.
func utcDay(t time.Time) (string, time.Duration) {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
	return t.Format("2006-01-02"), next.Sub(t)
}
