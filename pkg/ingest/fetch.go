package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

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
// client is the caller's: give it a timeout and, in production, a dialer
// that refuses private addresses if users may submit URLs (Fetch does not
// filter them, so that tests can use 127.0.0.1). A nil client means
// http.DefaultClient.
func Fetch(ctx context.Context, client *http.Client, rawURL string, maxBytes int) (news.Submission, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if client == nil {
		client = http.DefaultClient
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
			return news.Submission{}, fmt.Errorf("%w: %s: timed out", ErrFetch, rawURL)
		}
		return news.Submission{}, fmt.Errorf("%w: %s: %v", ErrFetch, rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return news.Submission{}, fmt.Errorf("%w: %s: the server answered %s", ErrFetch, rawURL, resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || !fetchable(mt)) {
		return news.Submission{}, fmt.Errorf("%w: %s: content type %q is not an HTML or text page", ErrFetch, rawURL, ct)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(maxBytes)+1))
	if err != nil {
		return news.Submission{}, fmt.Errorf("%w: %s: reading the page: %v", ErrFetch, rawURL, err)
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
