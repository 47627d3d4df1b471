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

// limiter is a token bucket per client (an IPv4 address or an IPv6 /64,
// see rateKey). The table is two generations of buckets: requests look in
// the current one, then the previous one (moving the bucket forward), and
// the generations rotate once per idle period or when the current one holds
// maxClients. A bucket unused for two periods is dropped with its
// generation, so memory is bounded by 2 × maxClients and no request ever
// scans the table (issue #13: at 100k clients every request swept it).
type limiter struct {
	per   rate.Limit
	burst int
	idle  time.Duration // a bucket idle this long is full again: forgetting it changes nothing

	mu        sync.Mutex
	cur, prev map[string]*rate.Limiter
	rotated   time.Time
}

// maxClients bounds each generation of the table.
const maxClients = 100_000

func newLimiter(per float64, burst int) *limiter {
	if per <= 0 {
		return nil
	}
	burst = max(burst, 1)
	idle := time.Duration(float64(burst)/per*float64(time.Second)) + time.Minute
	return &limiter{per: rate.Limit(per), burst: burst, idle: idle, cur: map[string]*rate.Limiter{}, prev: map[string]*rate.Limiter{}}
}

// allow reports whether the client with this key may make a request now;
// if not, how long until it may.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rotated.IsZero() {
		l.rotated = now
	}
	if now.Sub(l.rotated) > l.idle || len(l.cur) >= maxClients {
		l.prev, l.cur, l.rotated = l.cur, make(map[string]*rate.Limiter, min(len(l.cur), 1024)), now
	}
	lim := l.cur[key]
	if lim == nil {
		if lim = l.prev[key]; lim != nil {
			delete(l.prev, key)
		} else {
			lim = rate.NewLimiter(l.per, l.burst)
		}
		l.cur[key] = lim
	}
	if lim.AllowN(now, 1) {
		return true, 0
	}
	r := lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return false, d
}

// size is the number of buckets held.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.cur) + len(l.prev)
}

// rateKey is the limiter's key for a client address: IPv4 addresses (and
// IPv4-mapped IPv6) as they are, IPv6 by their /64, since one subscriber
// usually holds a whole /64 and could otherwise take a new bucket per
// address.
func rateKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// limit wraps a write handler with the per-IP limit: 429 with Retry-After
// (whole seconds, at least 1) when the client's bucket is empty.
func (s *Server) limit(h http.HandlerFunc) http.HandlerFunc {
	if s.limiter == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(rateKey(clientIP(r, s.cfg.TrustedProxies)), time.Now())
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
