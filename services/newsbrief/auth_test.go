package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// `newsbrief serve` refuses an embedded NATS server open beyond loopback
// (issue #13 item 4), with a message that says what to do.
func TestServeRefusesOpenNATS(t *testing.T) {
	env := map[string]string{
		"NEWSBRIEF_DATA":      t.TempDir(),
		"NEWSBRIEF_HTTP_ADDR": "127.0.0.1:0",
		"NEWSBRIEF_NATS_ADDR": "0.0.0.0:0",
	}
	var stderr strings.Builder
	err := serve(context.Background(), nil, io.MultiWriter(&stderr), func(k string) string { return env[k] }, nil)
	if err == nil || !strings.Contains(err.Error(), "loopback") || !strings.Contains(err.Error(), "NATS_PASSWORD") {
		t.Fatalf("serve on 0.0.0.0 without credentials: %v, want a refusal naming loopback and NATS_PASSWORD", err)
	}
	env["NATS_CREDS"] = "/nonexistent.creds"
	env["NEWSBRIEF_NATS_ADDR"] = "127.0.0.1:0"
	if err := serve(context.Background(), nil, io.Discard, func(k string) string { return env[k] }, nil); err == nil || !strings.Contains(err.Error(), "NATS_CREDS") {
		t.Fatalf("serve with NATS_CREDS and the embedded server: %v, want a refusal", err)
	}
}
