package bus

import (
	"errors"
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
	// User and Password, when Password is set, are the one account clients
	// must log in with (the all-in-one's own stages and tools). Without a
	// password the server takes any local client, so it refuses to listen
	// on anything but a loopback address.
	User, Password string
}

// DefaultEmbeddedUser is the embedded server's user when none is named.
const DefaultEmbeddedUser = "newsbrief"

// ErrOpenNATS is returned by StartServer for a non-loopback address
// without a password: anyone who can reach it could forge any message.
var ErrOpenNATS = errors.New("bus: the embedded NATS server would listen beyond loopback without credentials")

// Loopback reports whether host (an address's host part) reaches this
// machine only. An empty host or 0.0.0.0 is every interface.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
	if cfg.Password == "" && !Loopback(host) {
		return nil, fmt.Errorf("%w: %s is not a loopback address; set NATS_PASSWORD (or NEWSBRIEF_API_TOKEN) so the server requires credentials, or listen on 127.0.0.1", ErrOpenNATS, cfg.Addr)
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
	if cfg.Password != "" {
		if cfg.User == "" {
			cfg.User = DefaultEmbeddedUser
		}
		opts.Users = []*server.User{{Username: cfg.User, Password: cfg.Password}}
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
