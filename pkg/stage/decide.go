package stage

import (
	"errors"
	"math/rand/v2"
	"time"
)

// Action is what the runner does with a message once the stage returned.
type Action int

const (
	Publish    Action = iota // publish output, then ack
	Ack                      // ack only (ErrSkip)
	RejectIt                 // publish a rejection, then ack
	DeadLetter               // publish to the DLQ, then terminate
	Retry                    // nak with Delay
)

func (a Action) String() string {
	return [...]string{"publish", "ack", "reject", "dead-letter", "retry"}[a]
}

// Policy bounds retries. Delay doubles from Base up to Max, with ±20% jitter.
type Policy struct {
	MaxDeliver int
	Base       time.Duration
	Max        time.Duration
}

// DefaultPolicy retries five times over about a minute before dead-lettering.
var DefaultPolicy = Policy{MaxDeliver: 6, Base: time.Second, Max: 30 * time.Second}

// Decision is the outcome of Decide.
type Decision struct {
	Action Action
	Delay  time.Duration
	Reason string
}

// Decide maps a stage's error to an action. delivered is how many times the
// message has been delivered, this time included (1 on the first try).
func Decide(err error, delivered int, p Policy) Decision {
	switch {
	case err == nil:
		return Decision{Action: Publish}
	case errors.Is(err, ErrSkip):
		return Decision{Action: Ack}
	}
	if r, ok := AsRejection(err); ok {
		return Decision{Action: RejectIt, Reason: r.Reason}
	}
	if IsPermanent(err) {
		return Decision{Action: DeadLetter, Reason: "permanent: " + err.Error()}
	}
	if p.MaxDeliver > 0 && delivered >= p.MaxDeliver {
		return Decision{Action: DeadLetter, Reason: "retries exhausted: " + err.Error()}
	}
	if d, ok := RetryDelay(err); ok {
		return Decision{Action: Retry, Delay: d, Reason: err.Error()}
	}
	return Decision{Action: Retry, Delay: Backoff(delivered, p), Reason: err.Error()}
}

// Backoff is the delay before delivery number delivered+1.
func Backoff(delivered int, p Policy) time.Duration {
	d := p.Base
	for i := 1; i < delivered && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
