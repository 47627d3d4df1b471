// Package tracing carries W3C trace context (traceparent, tracestate) from
// whoever submits an article, through every stage's NATS headers, to the
// logs, so that one article's journey can be followed across processes.
//
// Only OpenTelemetry's propagation is used: no SDK and no exporter, so it
// costs nothing when nobody collects traces. A submission without an
// incoming trace gets a fresh sampled trace id. Headers are read
// case-insensitively: NATS headers are a plain map and keep whatever case
// the publisher used, and propagation.HeaderCarrier only finds the
// canonical "Traceparent".
package tracing

import (
	"context"
	"crypto/rand"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Propagator is the W3C trace context propagator used everywhere.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Carrier adapts a header map (nats.Header, http.Header, or a plain map) to
// propagation.TextMapCarrier with case-insensitive keys.
type Carrier map[string][]string

// Get returns the first value of key in any letter case.
func (c Carrier) Get(key string) string {
	if v := c[key]; len(v) > 0 {
		return v[0]
	}
	for k, v := range c {
		if len(v) > 0 && strings.EqualFold(k, key) {
			return v[0]
		}
	}
	return ""
}

// Set replaces key, removing any other-case spelling of it.
func (c Carrier) Set(key, value string) {
	for k := range c {
		if k != key && strings.EqualFold(k, key) {
			delete(c, k)
		}
	}
	c[key] = []string{value}
}

// Keys lists the keys present.
func (c Carrier) Keys() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	return out
}

// Extract returns ctx carrying the remote span context found in h, if any.
func Extract(ctx context.Context, h map[string][]string) context.Context {
	return Propagator.Extract(ctx, Carrier(h))
}

// FromRequest returns the request's context with its incoming trace
// context, if the client sent one.
func FromRequest(r *http.Request) context.Context {
	return Extract(r.Context(), r.Header)
}

// Ensure returns ctx with a span context: the one it has, or a new sampled
// root with random ids.
func Ensure(ctx context.Context) context.Context {
	if trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	var tid trace.TraceID
	var sid trace.SpanID
	_, _ = rand.Read(tid[:])
	_, _ = rand.Read(sid[:])
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// Inject writes ctx's trace context into h (starting a new trace if ctx has
// none) and returns the trace id.
func Inject(ctx context.Context, h map[string][]string) string {
	ctx = Ensure(ctx)
	Propagator.Inject(ctx, Carrier(h))
	return trace.SpanContextFromContext(ctx).TraceID().String()
}

// TraceID returns the trace id in h's traceparent, or "".
func TraceID(h map[string][]string) string {
	sc := trace.SpanContextFromContext(Extract(context.Background(), h))
	if !sc.IsValid() {
		return ""
	}
	return sc.TraceID().String()
}
