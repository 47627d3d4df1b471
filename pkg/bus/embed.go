package bus

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerConfig configures the embedded NATS server of the all-in-one mode.
type ServerConfig struct {
	// Addr is host:port to listen on ("127.0.0.1:4222"; port 0 or -1 picks one).
	Addr string
	// StoreDir holds JetStream's file store.
	StoreDir string
	// MaxPayload must fit the largest message (default DefaultMaxMsgSize).
	MaxPayload int32
	// Debug turns on the server's own logging.
	Debug bool
}

// StartServer starts an embedded NATS server with JetStream and waits until
// it accepts connections. Shut it down with Shutdown and WaitForShutdown
// after the clients have drained.
func StartServer(cfg ServerConfig) (*server.Server, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS port %q: %w", portStr, err)
	}
	if port == 0 {
		port = -1
	}
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = DefaultMaxMsgSize
	}
	opts := &server.Options{
		ServerName:         "newsbrief",
		Host:               host,
		Port:               port,
		JetStream:          true,
		StoreDir:           cfg.StoreDir,
		MaxPayload:         cfg.MaxPayload,
		MaxPending:         int64(cfg.MaxPayload) * 8,
		NoSigs:             true,
		NoLog:              !cfg.Debug,
		JetStreamMaxMemory: 64 << 20,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("creating embedded NATS server: %w", err)
	}
	if cfg.Debug {
		s.ConfigureLogger()
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("embedded NATS server on %s did not start within 10s (port in use? set NEWSBRIEF_NATS_ADDR)", cfg.Addr)
	}
	return s, nil
}
