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

func TestLimiterSweepsIdleClients(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(10, 10)
	for i := range 100 {
		l.allow(fmt.Sprintf("10.0.0.%d", i), now)
	}
	l.allow("late", now.Add(10*time.Minute))
	if got := len(l.clients); got != 1 {
		t.Errorf("%d clients kept after 10 idle minutes, want 1", got)
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
