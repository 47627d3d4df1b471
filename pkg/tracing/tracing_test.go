package tracing

import (
	"context"
	"net/http/httptest"
	"testing"
)

const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestTraceIDAnyCase(t *testing.T) {
	for _, key := range []string{"traceparent", "Traceparent", "TRACEPARENT", "TraceParent"} {
		t.Run(key, func(t *testing.T) {
			if got := TraceID(map[string][]string{key: {tp}}); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
				t.Errorf("got %q, want the trace id", got)
			}
		})
	}
	if got := TraceID(map[string][]string{"traceparent": {"garbage"}}); got != "" {
		t.Errorf("garbage: got %q, want empty", got)
	}
}

func TestInjectKeepsIncomingTrace(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/articles", nil)
	r.Header.Set("Traceparent", tp)
	h := map[string][]string{"Traceparent": {"stale"}}
	id := Inject(FromRequest(r), h)
	if id != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("got trace %q, want the incoming one", id)
	}
	if len(h) != 1 || len(h["traceparent"]) != 1 {
		t.Errorf("want exactly one traceparent header, got %v", h)
	}
}

func TestInjectStartsTrace(t *testing.T) {
	h := map[string][]string{}
	id := Inject(context.Background(), h)
	if len(id) != 32 || TraceID(h) != id {
		t.Errorf("got id %q and header %v", id, h)
	}
	if id2 := Inject(context.Background(), map[string][]string{}); id2 == id {
		t.Error("two new traces share an id")
	}
}

func FuzzTraceID(f *testing.F) {
	f.Add(tp)
	f.Add("00-00000000000000000000000000000000-0000000000000000-00")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id := TraceID(map[string][]string{"traceparent": {s}})
		if id != "" && len(id) != 32 {
			t.Fatalf("trace id %q", id)
		}
	})
}
