package service

import (
	"context"
	"errors"
	"sync"
)

// Group runs fns until ctx is done or one of them returns, then cancels the
// rest and waits for all of them: a stage draining or an HTTP server
// shutting down is never cut short. It returns every error but
// context.Canceled.
func Group(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			if err := fn(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
