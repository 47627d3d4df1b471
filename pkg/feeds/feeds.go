// Package feeds brings articles in without anyone submitting them: a poller
// reads RSS and Atom feeds on a schedule (conditional GET, so an unchanged
// feed costs one 304), fetches each new item's full page when the feed only
// carries a teaser, and a watched inbox directory submits the files dropped
// into it.
//
// Both hand their articles to a Submit function given by the wiring (in the
// server: prepare, claim and queue, as POST /v1/articles does), so they do
// not know NATS. Items are deduplicated by canonical URL within the poller;
// the same text arriving twice is deduplicated downstream by its content id.
// A failing feed or file is logged and reported, never fatal.
package feeds

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// Submit queues one raw submission and returns the article id. An error
// wrapping ErrRetry means "try again later" (the queue is down); any other
// error means the submission itself is bad and retrying will not help.
type Submit func(ctx context.Context, r pipeline.Raw) (id string, err error)

// ErrRetry is wrapped by a Submit error that is worth retrying later.
var ErrRetry = errors.New("feeds: retry later")

// trackingParams are query parameters that do not change the page.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"igshid": true, "ref": true, "ref_src": true, "cmpid": true, "ocid": true, "_ga": true, "yclid": true,
}

// Canonical returns the URL with tracking parameters (utm_* and the like)
// and the fragment removed, the scheme and host lower-cased, default ports
// and a trailing slash on the path dropped, and the remaining query sorted,
// so that one article linked several ways is seen once. A string that is
// not an absolute http(s) URL is returned trimmed.
func Canonical(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS") {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if h, p, ok := strings.Cut(u.Host, ":"); ok && ((u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443")) {
		u.Host = h
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	u.RawQuery = sb.String()
	u.ForceQuery = false
	if p := strings.TrimRight(u.EscapedPath(), "/"); p != u.EscapedPath() {
		if dec, err := url.PathUnescape(p); err == nil {
			u.Path, u.RawPath = dec, p
		}
	}
	return u.String()
}
