package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// UserAgent is sent with every Fetch.
const UserAgent = "newsbrief/1.0 (+https://github.com/newsbrief/newsbrief)"

// Fetch downloads an article page and returns it as a Submission with URL
// set: HTML pages have HTML set, text/plain pages are text. Only http and
// https URLs are fetched, with ctx's deadline; the body is read up to
// maxBytes (<= 0 means DefaultMaxBytes) and a longer one is ErrTooLarge.
// Statuses other than 200 and content types other than HTML or text are
// ErrFetch; every error wraps ErrFetch.
//
// client is the caller's: in production the one from NewClient, which has
// timeouts and refuses private addresses (Fetch itself does not filter them,
// so that tests can pass a client that reaches 127.0.0.1). A nil client
// means NewClient(0, false): never an unguarded fetch by default.
func Fetch(ctx context.Context, client *http.Client, rawURL string, maxBytes int) (news.Submission, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if client == nil {
		client = defaultClient
	}
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return news.Submission{}, fmt.Errorf("%w: %q is not a valid URL", ErrFetch, rawURL)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return news.Submission{}, fmt.Errorf("%w: only http and https URLs can be fetched, not %q", ErrFetch, u.Scheme)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return news.Submission{}, fmt.Errorf("%w: %s: %v", ErrFetch, rawURL, err)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "text/html, application/xhtml+xml, text/plain;q=0.9")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return news.Submission{}, transient{fmt.Errorf("%w: %s: timed out", ErrFetch, rawURL)}
		}
		if transientDial(err) {
			return news.Submission{}, transient{fmt.Errorf("%w: %s: %w", ErrFetch, rawURL, unwrapURLError(err))}
		}
		return news.Submission{}, fmt.Errorf("%w: %s: %w", ErrFetch, rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		if transientStatus(resp.StatusCode) {
			return news.Submission{}, transient{fmt.Errorf("%w: %s: the server answered %s", ErrFetch, rawURL, resp.Status)}
		}
		return news.Submission{}, fmt.Errorf("%w: %s: the server answered %s", ErrFetch, rawURL, resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || !fetchable(mt)) {
		return news.Submission{}, fmt.Errorf("%w: %s: content type %q is not an HTML or text page", ErrFetch, rawURL, ct)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(maxBytes)+1))
	if err != nil {
		return news.Submission{}, transient{fmt.Errorf("%w: %s: reading the page: %v", ErrFetch, rawURL, err)}
	}
	if len(data) > maxBytes {
		return news.Submission{}, fmt.Errorf("%w: %w: %s: the page is larger than %d bytes", ErrFetch, ErrTooLarge, rawURL, maxBytes)
	}
	if ct == "" {
		ct = "text/html" // no type given: readability copes with text as well
	}
	s, err := Decode(data, ct, maxBytes)
	if err != nil {
		return news.Submission{}, fmt.Errorf("%w: %s: %w", ErrFetch, rawURL, err)
	}
	s.URL = rawURL
	return s, nil
}

var defaultClient = NewClient(0, false)

// ErrTransient is wrapped (beside ErrFetch) by Fetch's errors that a
// later attempt may not meet: a timeout, a refused or reset connection, a
// failed name lookup other than "no such host", a page cut short, and the
// statuses 408, 425, 429 and 5xx. The ingest stage retries them with
// back-off; every other fetch error is the submitter's (a rejection).
var ErrTransient = errors.New("ingest: temporary fetch failure")

// transient marks err as ErrTransient without changing its message.
type transient struct{ error }

func (t transient) Unwrap() error      { return t.error }
func (transient) Is(target error) bool { return target == ErrTransient }

func transientStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests
}

// transientDial reports whether a failed request may succeed later: not a
// refused private address, a bad redirect or a name that does not exist.
func transientDial(err error) bool {
	if errors.Is(err, ErrPrivateAddress) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return !dns.IsNotFound
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func fetchable(mediaType string) bool {
	switch mediaType {
	case "text/html", "application/xhtml+xml", "text/plain":
		return true
	}
	return false
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Resolve fetches s.URL when s has no body and merges the page into s,
// keeping the fields the submitter gave. A submission with a body is returned
// unchanged. It is the step between Decode and Normalise in the ingest stage.
func Resolve(ctx context.Context, client *http.Client, s news.Submission, maxBytes int) (news.Submission, error) {
	if strings.TrimSpace(s.Body) != "" || strings.TrimSpace(s.URL) == "" {
		return s, nil
	}
	page, err := Fetch(ctx, client, s.URL, maxBytes)
	if err != nil {
		return news.Submission{}, err
	}
	s.Body, s.HTML = page.Body, page.HTML
	return s, nil
}

// ErrPrivateAddress is returned (wrapped in ErrFetch by Fetch) when a URL
// resolves to a loopback, private, link-local or otherwise internal address
// and the client was made by NewClient without allowPrivate: a submitted URL
// must not make the server probe its own network (SSRF).
var ErrPrivateAddress = errors.New("address is private, loopback or link-local")

// NewClient returns the guarded HTTP client for every outbound fetch (URL
// submissions, feeds, feed item pages): an overall timeout, bounded dial,
// TLS and header waits, at most 5 redirects, no proxy from the environment,
// and unless allowPrivate a dialer that refuses internal addresses after DNS
// resolution, so redirects and DNS rebinding cannot reach them either.
func NewClient(timeout time.Duration, allowPrivate bool) *http.Client {
	if allowPrivate {
		return NewGuardedClient(timeout, nil)
	}
	return NewGuardedClient(timeout, func(ap netip.AddrPort) bool { return PublicAddr(ap.Addr()) })
}

// NewGuardedClient is NewClient with the address policy given: allow sees
// every address the client is about to connect to, after DNS resolution and
// on every redirect, and a false refuses it with ErrPrivateAddress. A nil
// allow allows every address. Tests use it to let one loopback server
// through and no other.
func NewGuardedClient(timeout time.Duration, allow func(netip.AddrPort) bool) *http.Client {
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	d := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	if allow != nil {
		d.Control = func(network, address string, _ syscall.RawConn) error { return refuse(address, allow) }
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConns:          16,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("more than 5 redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %q URL", req.URL.Scheme)
			}
			return nil
		},
	}
}

// refuse is the dialer's check of the resolved address.
func refuse(address string, allow func(netip.AddrPort) bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	if !allow(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// PublicAddr reports whether ip is a public unicast address: not loopback,
// private (RFC 1918, fc00::/7), link-local, multicast, unspecified, CGNAT
// (100.64.0.0/10) or an IPv4-mapped form of one of those.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2002::/16"),
}
