package bus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/bus/bustest"
)

// The embedded server (issue #13 item 4): with a password it takes only
// that account; without one it listens on loopback only.
func TestEmbeddedServerAuth(t *testing.T) {
	s, err := bus.StartServer(bus.ServerConfig{Addr: "127.0.0.1:0", StoreDir: t.TempDir(), Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	for _, c := range []struct {
		name string
		opts []nats.Option
		ok   bool
	}{
		{"no credentials", nil, false},
		{"wrong password", []nats.Option{nats.UserInfo(bus.DefaultEmbeddedUser, "guess")}, false},
		{"wrong user", []nats.Option{nats.UserInfo("admin", "s3cret")}, false},
		{"right", []nats.Option{nats.UserInfo(bus.DefaultEmbeddedUser, "s3cret")}, true},
	} {
		nc, err := nats.Connect(s.ClientURL(), append(c.opts, nats.Timeout(5*time.Second))...)
		if (err == nil) != c.ok {
			t.Errorf("%s: connect error %v, want ok=%v", c.name, err, c.ok)
		}
		if nc != nil {
			nc.Close()
		}
	}
}

// Connect gives up at once on credentials the server refuses, instead of
// retrying until its context ends.
func TestConnectWrongCredentialsFailsFast(t *testing.T) {
	s, err := bus.StartServer(bus.ServerConfig{Addr: "127.0.0.1:0", StoreDir: t.TempDir(), Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = bus.Connect(ctx, bus.Config{URL: s.ClientURL(), User: bus.DefaultEmbeddedUser, Password: "guess"}, bustest.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") || ctx.Err() != nil {
		t.Errorf("Connect with a wrong password: %v (context: %v), want an immediate refusal", err, ctx.Err())
	}
}

func TestEmbeddedServerRefusesOpenNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		s, err := bus.StartServer(bus.ServerConfig{Addr: addr, StoreDir: t.TempDir()})
		if s != nil {
			s.Shutdown()
		}
		if !errors.Is(err, bus.ErrOpenNATS) {
			t.Errorf("%s without a password: %v, want ErrOpenNATS", addr, err)
		}
	}
	for _, h := range []string{"127.0.0.1", "::1", "localhost", "127.0.0.2"} {
		if !bus.Loopback(h) {
			t.Errorf("Loopback(%q) = false", h)
		}
	}
}
