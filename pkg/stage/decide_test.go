package stage

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	p := Policy{MaxDeliver: 3, Base: 100 * time.Millisecond, Max: time.Second}
	boom := errors.New("boom")
	tests := []struct {
		name      string
		err       error
		delivered int
		want      Action
		reason    string
	}{
		{"success", nil, 1, Publish, ""},
		{"skip", ErrSkip, 1, Ack, ""},
		{"wrapped skip", fmt.Errorf("dup: %w", ErrSkip), 1, Ack, ""},
		{"reject", Reject("language %s is not supported", "es"), 1, RejectIt, "language es is not supported"},
		{"wrapped reject", fmt.Errorf("detect: %w", Reject("too short")), 2, RejectIt, "too short"},
		{"permanent", Permanent(boom), 1, DeadLetter, "permanent: boom"},
		{"transient first", boom, 1, Retry, "boom"},
		{"transient last", boom, 3, DeadLetter, "retries exhausted: boom"},
		{"retry after", RetryAfter(boom, 5*time.Second), 1, Retry, "boom (retry after 5s)"},
		{"retry after exhausted", RetryAfter(boom, 5*time.Second), 3, DeadLetter, "retries exhausted: boom (retry after 5s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.err, tt.delivered, p)
			if got.Action != tt.want || got.Reason != tt.reason {
				t.Errorf("Decide(%v, %d) = %v %q, want %v %q", tt.err, tt.delivered, got.Action, got.Reason, tt.want, tt.reason)
			}
		})
	}
	if d := Decide(RetryAfter(boom, 5*time.Second), 1, p).Delay; d != 5*time.Second {
		t.Errorf("RetryAfter delay = %v, want 5s", d)
	}
}

func TestBackoffGrowsWithinBounds(t *testing.T) {
	p := Policy{MaxDeliver: 10, Base: 100 * time.Millisecond, Max: time.Second}
	for delivered, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 8: time.Second} {
		for range 20 {
			got := Backoff(delivered, p)
			if got < want*8/10 || got > want*12/10 {
				t.Fatalf("Backoff(%d) = %v, want %v ±20%%", delivered, got, want)
			}
		}
	}
}
