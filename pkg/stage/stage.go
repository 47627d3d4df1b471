// Package stage says what a pipeline stage is, and how a stage tells the
// runner what to do with a message it could not turn into output.
//
// A stage is a plain function. It knows nothing of NATS: package bus runs it
// on a durable consumer and maps its error to an action with Decide:
//
//	nil                     publish the output (Msg-Id "<id>.<stage>"), then ack
//	ErrSkip                 ack, publish nothing
//	Reject(reason)          publish a rejection with the reason, then ack
//	Permanent(err)          dead-letter with the reason, then terminate
//	RetryAfter(err, d)      redeliver no sooner than d
//	any other error         redeliver with exponential back-off and jitter,
//	                        dead-letter once the delivery limit is reached
//
// Stages must be idempotent and safe for concurrent use: a message can be
// delivered more than once.
package stage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Func turns one input into one output.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// ErrSkip tells the runner that there is nothing to publish for this input,
// e.g. a duplicate article. The input is acked.
var ErrSkip = errors.New("stage: skip")

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one that no retry can fix (a poison message, a
// bug). The runner dead-letters the message at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err or an error it wraps was made by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Rejection is an article refused for a reason a reader should see: the
// language is not supported, the text is empty. It is an outcome, not a fault.
type Rejection struct{ Reason string }

func (r *Rejection) Error() string { return "rejected: " + r.Reason }

// Reject returns a Rejection with a formatted reason.
func Reject(format string, args ...any) error {
	return &Rejection{Reason: fmt.Sprintf(format, args...)}
}

// AsRejection returns the Rejection in err's chain, if any.
func AsRejection(err error) (*Rejection, bool) {
	var r *Rejection
	ok := errors.As(err, &r)
	return r, ok
}

type retryAfter struct {
	err   error
	after time.Duration
}

func (r retryAfter) Error() string { return fmt.Sprintf("%v (retry after %s)", r.err, r.after) }
func (r retryAfter) Unwrap() error { return r.err }

// RetryAfter asks for a redelivery no sooner than d, e.g. for an LLM's 429
// with a Retry-After header.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return retryAfter{err, d}
}

// RetryDelay returns the delay requested with RetryAfter, if any.
func RetryDelay(err error) (time.Duration, bool) {
	var r retryAfter
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
