package bus

import (
	"context"
	"testing"
	"time"
)

// TestStageContextHasNoDeadline: the stage's context ends at its deadline
// with DeadlineExceeded as the cause, but shows no deadline, so JetStream
// requests inside a stage keep their own short timeout (a reply lost with a
// dying server must not hold a message for the stage's minutes).
func TestStageContextHasNoDeadline(t *testing.T) {
	ctx, cancel := stageContext(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, ok := ctx.Deadline(); ok {
		t.Fatal("the stage context carries a deadline")
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
		t.Fatal("the stage context did not end after its deadline")
	}
	if got := context.Cause(ctx); got != context.DeadlineExceeded {
		t.Errorf("cause = %v, want %v", got, context.DeadlineExceeded)
	}

	ctx, cancel = stageContext(context.Background(), time.Hour)
	cancel()
	if got := context.Cause(ctx); got != context.Canceled {
		t.Errorf("cancelled early: cause = %v, want %v", got, context.Canceled)
	}
}
