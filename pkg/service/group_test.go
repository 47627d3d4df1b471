package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGroupStopsAllWhenOneFails(t *testing.T) {
	boom := errors.New("boom")
	drained := false
	err := Group(context.Background(),
		func(ctx context.Context) error { return boom },
		func(ctx context.Context) error {
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond) // draining
			drained = true
			return ctx.Err()
		})
	if !errors.Is(err, boom) || !drained {
		t.Errorf("Group = %v, drained %v; want boom after the other drained", err, drained)
	}
}

func TestGroupStopsOnContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	err := Group(ctx, func(ctx context.Context) error { <-ctx.Done(); return nil }, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	if err != nil {
		t.Errorf("Group after cancel = %v, want nil", err)
	}
}
