package llm

import (
	"context"
	"sync"
	"time"
)

// Ledger counts the tokens spent per UTC day ("2006-01-02"). Calls reserve
// their estimated tokens before they start and settle the difference when
// they end, so concurrent calls cannot all pass the check and overshoot
// together: once the day's total reaches the limit no call starts, and the
// overshoot is at most what the last admitted call used beyond its
// estimate. MemoryLedger serves one process; package bus provides one on
// NATS KV (compare-and-set) that every process shares.
type Ledger interface {
	// Reserve adds tokens to day's total if the total before is below
	// limit (limit <= 0: no limit), atomically, and returns the total
	// before and whether it added them.
	Reserve(ctx context.Context, day string, tokens, limit int64) (before int64, ok bool, err error)
	// Add adds tokens (negative: gives them back) to day's total.
	Add(ctx context.Context, day string, tokens int64) error
}

// MemoryLedger is an in-process Ledger. It keeps only the current days.
type MemoryLedger struct {
	mu   sync.Mutex
	days map[string]int64
}

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger { return &MemoryLedger{days: map[string]int64{}} }

// Spent returns the tokens counted for day.
func (l *MemoryLedger) Spent(_ context.Context, day string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.days[day], nil
}

// Reserve implements Ledger.
func (l *MemoryLedger) Reserve(_ context.Context, day string, tokens, limit int64) (int64, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(day)
	before := l.days[day]
	if limit > 0 && before >= limit {
		return before, false, nil
	}
	l.days[day] = before + tokens
	return before, true, nil
}

// Add adds tokens to day and forgets days older than it.
func (l *MemoryLedger) Add(_ context.Context, day string, tokens int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(day)
	l.days[day] += tokens
	return nil
}

func (l *MemoryLedger) forget(day string) {
	for d := range l.days {
		if d < day {
			delete(l.days, d)
		}
	}
}

// utcDay names the UTC day of t, and returns how long until it ends.
func utcDay(t time.Time) (string, time.Duration) {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
	return t.Format("2006-01-02"), next.Sub(t)
}
