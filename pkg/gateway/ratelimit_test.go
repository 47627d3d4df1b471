package gateway

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(2, 3) // 2/s, burst 3
	for i := range 3 {
		if ok, _ := l.allow("1.2.3.4", now); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	ok, wait := l.allow("1.2.3.4", now)
	if ok {
		t.Fatal("4th request at once allowed; want refused")
	}
	if wait <= 0 || wait > time.Second {
		t.Errorf("wait = %s, want (0, 1s] at 2/s", wait)
	}
	if ok, _ := l.allow("5.6.7.8", now); !ok {
		t.Error("another client refused: buckets must be per IP")
	}
	if ok, _ := l.allow("1.2.3.4", now.Add(600*time.Millisecond)); !ok {
		t.Error("refused after a refill interval")
	}
	if newLimiter(0, 10) != nil {
		t.Error("rate 0 must mean no limiter")
	}
}

func TestLimiterForgetsIdleClients(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(10, 10)
	for i := range 100 {
		l.allow(fmt.Sprintf("10.0.0.%d", i), now)
	}
	l.allow("late", now.Add(10*time.Minute))
	l.allow("later", now.Add(20*time.Minute))
	if got := l.size(); got != 2 {
		t.Errorf("%d clients kept after 20 idle minutes, want 2", got)
	}
}

// TestLimiterBounded: a flood of distinct clients, all active at once,
// keeps the table within two generations (issue #13: the table grew and
// was swept on every request once it reached maxClients).
func TestLimiterBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(1, 1)
	for i := range 3 * maxClients {
		l.allow(fmt.Sprintf("k%d", i), now)
	}
	if got := l.size(); got > 2*maxClients {
		t.Errorf("%d buckets after %d clients, want at most %d", got, 3*maxClients, 2*maxClients)
	}
	// A client seen in the previous generation keeps its (empty) bucket.
	l.allow("x", now)
	for i := range maxClients - 1 {
		l.allow(fmt.Sprintf("y%d", i), now)
	}
	if ok, _ := l.allow("x", now); ok {
		t.Error("a client's bucket was refilled by a generation change")
	}
}

// TestLimiterIPv6Prefix: addresses of one IPv6 /64 share a bucket; IPv4
// addresses and other /64s do not.
func TestLimiterIPv6Prefix(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(1, 2)
	for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"} {
		if ok, _ := l.allow(rateKey(ip), now); !ok {
			t.Fatalf("%s refused within the burst", ip)
		}
	}
	if ok, _ := l.allow(rateKey("2001:db8:1:2:aaaa::77"), now); ok {
		t.Error("a third address of the same /64 was allowed past the burst")
	}
	for _, ip := range []string{"2001:db8:1:3::1", "192.0.2.1", "192.0.2.2"} {
		if ok, _ := l.allow(rateKey(ip), now); !ok {
			t.Errorf("%s refused: it has a bucket of its own", ip)
		}
	}
	for ip, want := range map[string]string{"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "::ffff:192.0.2.1": "192.0.2.1", "192.0.2.1": "192.0.2.1", "junk": "junk"} {
		if got := rateKey(ip); got != want {
			t.Errorf("rateKey(%s) = %s, want %s", ip, got, want)
		}
	}
}

// BenchmarkLimiterFull: the cost of a request with the table at
// maxClients active clients (it used to sweep the whole table each time).
func BenchmarkLimiterFull(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(1, 1)
	for i := range maxClients {
		l.allow(fmt.Sprintf("k%d", i), now)
	}
	i := 0
	for b.Loop() {
		l.allow(fmt.Sprintf("n%d", i), now)
		i++
	}
}

func TestClientIP(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"no proxy", "203.0.113.7:4000", nil, "203.0.113.7"},
		{"untrusted peer's header ignored", "203.0.113.7:4000", []string{"1.1.1.1"}, "203.0.113.7"},
		{"trusted proxy", "10.1.2.3:4000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"spoofed left part ignored", "10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9"}, "198.51.100.9"},
		{"chain of proxies", "127.0.0.1:4000", []string{"198.51.100.9, 10.9.9.9"}, "198.51.100.9"},
		{"several header lines", "10.1.2.3:4000", []string{"6.6.6.6", "198.51.100.9"}, "198.51.100.9"},
		{"garbled entry", "10.1.2.3:4000", []string{"198.51.100.9, junk"}, "10.1.2.3"},
		{"all trusted", "10.1.2.3:4000", []string{"10.0.0.1"}, "10.0.0.1"},
		{"no header", "10.1.2.3:4000", nil, "10.1.2.3"},
		{"ipv6 proxy", "[::1]:4000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"mapped ipv4", "10.1.2.3:4000", []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/v1/articles", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(r, trusted); got != tc.want {
				t.Errorf("clientIP = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := ParseProxies("10.0.0.0/8, proxy.local"); err == nil {
		t.Error("ParseProxies accepted a host name")
	}
	if got, _ := ParseProxies(""); len(got) != 0 {
		t.Errorf("ParseProxies(\"\") = %v", got)
	}
}
