package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestPublicAddr(t *testing.T) {
	for _, c := range []struct {
		ip   string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"127.9.9.9", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"fc00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
	} {
		t.Run(c.ip, func(t *testing.T) {
			if got := PublicAddr(netip.MustParseAddr(c.ip)); got != c.want {
				t.Errorf("PublicAddr(%s) = %v, want %v", c.ip, got, c.want)
			}
		})
	}
}

func TestNewClientRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Titolo\n\nUn testo."))
	}))
	defer srv.Close()
	// A public-looking redirect target cannot be tested offline; a redirect
	// to loopback is refused like a direct loopback URL.
	redirect := httptest.NewServer(http.RedirectHandler(srv.URL, http.StatusFound))
	defer redirect.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, u := range []string{srv.URL, redirect.URL, "http://169.254.169.254/latest/meta-data/"} {
		_, err := Fetch(ctx, NewClient(2*time.Second, false), u, 0)
		if !errors.Is(err, ErrFetch) || !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("Fetch(%s) with the default client: error %v, want ErrFetch and ErrPrivateAddress", u, err)
		}
	}
	if _, err := Fetch(ctx, NewClient(2*time.Second, true), srv.URL, 0); err != nil {
		t.Errorf("Fetch with private addresses allowed: %v", err)
	}
}

// TestGuardedClientChecksRedirects: a redirect from an allowed server to a
// refused address is refused at the dial, and a redirect to a non-http URL
// is not followed.
func TestGuardedClientChecksRedirects(t *testing.T) {
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Titolo\n\nSegreto."))
	}))
	defer private.Close()
	mux := http.NewServeMux()
	mux.Handle("/private", http.RedirectHandler(private.URL, http.StatusFound))
	mux.Handle("/js", http.RedirectHandler("javascript:alert(1)", http.StatusFound))
	mux.Handle("/file", http.RedirectHandler("file:///etc/passwd", http.StatusFound))
	public := httptest.NewServer(mux)
	defer public.Close()
	publicPort := netip.MustParseAddrPort(strings.TrimPrefix(public.URL, "http://")).Port()
	client := NewGuardedClient(2*time.Second, func(ap netip.AddrPort) bool { return ap.Port() == publicPort })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := Fetch(ctx, client, public.URL+"/private", 0); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("redirect to a refused address: %v, want ErrPrivateAddress", err)
	}
	for _, path := range []string{"/js", "/file"} {
		if s, err := Fetch(ctx, client, public.URL+path, 0); err == nil {
			t.Errorf("redirect %s followed: %+v", path, s)
		}
	}
}
