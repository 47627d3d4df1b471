package gateway

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per client IP. Buckets idle for a while are
// dropped so that a stream of new addresses cannot grow memory for ever.
type limiter struct {
	per   rate.Limit
	burst int

	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxClients bounds the table; beyond it idle entries are swept at once.
const maxClients = 100_000

func newLimiter(per float64, burst int) *limiter {
	if per <= 0 {
		return nil
	}
	return &limiter{per: rate.Limit(per), burst: max(burst, 1), clients: map[string]*client{}}
}

// allow reports whether ip may make a request now; if not, how long until
// it may.
func (l *limiter) allow(ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute || len(l.clients) >= maxClients {
		l.sweep(now)
	}
	c := l.clients[ip]
	if c == nil {
		c = &client{lim: rate.NewLimiter(l.per, l.burst)}
		l.clients[ip] = c
	}
	c.seen = now
	if c.lim.AllowN(now, 1) {
		return true, 0
	}
	r := c.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return false, d
}

func (l *limiter) sweep(now time.Time) {
	// An idle bucket is full again after burst/per seconds; forgetting it
	// then changes nothing.
	idle := time.Duration(float64(l.burst)/float64(l.per)*float64(time.Second)) + time.Minute
	for ip, c := range l.clients {
		if now.Sub(c.seen) > idle {
			delete(l.clients, ip)
		}
	}
	l.swept = now
}

// limit wraps a write handler with the per-IP limit: 429 with Retry-After
// (whole seconds, at least 1) when the client's bucket is empty.
func (s *Server) limit(h http.HandlerFunc) http.HandlerFunc {
	if s.limiter == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(clientIP(r, s.cfg.TrustedProxies), time.Now())
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			writeError(w, http.StatusTooManyRequests, "too many requests from your address; retry later")
			return
		}
		h(w, r)
	}
}

// clientIP is the address a request comes from. X-Forwarded-For counts only
// when the peer is a trusted proxy: then the client is the right-most
// address in it that is not itself a trusted proxy (the left part of the
// header is whatever the client chose to send, so it is never believed).
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(ip, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled entry: trust nothing left of it
		}
		ip = hop.Unmap()
		if !isTrusted(ip, trusted) {
			break
		}
	}
	return ip.String()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// prefixes ("10.0.0.0/8, 127.0.0.1").
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
