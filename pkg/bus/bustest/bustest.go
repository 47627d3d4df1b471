// Package bustest starts an embedded JetStream server for tests and connects
// a Bus to it, so tests run against the same server code as production.
package bustest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/newsbrief/newsbrief/pkg/bus"
)

// Server starts a JetStream server on a free loopback port with its store in
// a temporary directory. It is shut down when the test ends.
func Server(t testing.TB) *server.Server {
	t.Helper()
	s, err := bus.StartServer(bus.ServerConfig{Addr: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatalf("starting embedded NATS: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

// Connect connects a Bus to s (streams and buckets declared) and closes it
// when the test ends.
func Connect(t testing.TB, s *server.Server) *bus.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := bus.Connect(ctx, bus.Config{URL: s.ClientURL(), Name: t.Name()}, Logger(t))
	if err != nil {
		t.Fatalf("connecting bus: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// New is Server and Connect in one.
func New(t testing.TB) (*bus.Bus, *server.Server) {
	s := Server(t)
	return Connect(t, s), s
}

// Logger discards logs unless the test runs with -v, where it writes them
// as text to stderr.
func Logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		// Not t.Log: stages may still log while the test's cleanup drains them.
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Eventually polls cond every 20ms until it is true or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
