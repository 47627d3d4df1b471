package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// Poller polls feeds and submits their new items.
type Poller struct {
	Feeds    []string
	Interval time.Duration // default 10m
	// Client fetches feeds and article pages. It must be the guarded client
	// (ingest.NewClient), which refuses private addresses; nil means
	// ingest.NewClient(15s, false).
	Client *http.Client
	Submit Submit
	// MinChars: feed content shorter than this (as text) is a teaser, and
	// the item's page is fetched instead (default 500).
	MinChars int
	// MaxFeedBytes bounds a feed document (default 5 MiB); MaxBytes bounds
	// an article page (default ingest.DefaultMaxBytes).
	MaxFeedBytes int64
	MaxBytes     int
	// MaxSeen bounds the remembered URLs per feed (default 10,000).
	MaxSeen int
	Log     *slog.Logger
	// OnPoll, if set, is told each poll's result: ok, not_modified or error.
	OnPoll func(result string)
	// Store, if set, keeps each feed's conditional-GET validators and seen
	// links across restarts (and shares them between gateways), so a
	// restart neither refetches a whole feed nor every teaser's page.
	Store StateStore

	once  sync.Once
	mu    sync.Mutex
	state map[string]*feedState
}

// StateStore keeps a feed's state, opaque bytes, by feed URL. Load returns
// nil, nil for a feed it has nothing for.
type StateStore interface {
	Load(ctx context.Context, feed string) ([]byte, error)
	Save(ctx context.Context, feed string, state []byte) error
}

// savedState is what Store keeps: the validators and the seen links, oldest
// first (hashed, so that 10,000 of them stay well under a KV value's size).
type savedState struct {
	ETag         string   `json:"etag,omitempty"`
	LastModified string   `json:"last_modified,omitempty"`
	Seen         []string `json:"seen,omitempty"`
}

// FeedStatus is what /v1/feeds reports for one feed.
type FeedStatus struct {
	URL          string    `json:"url"`
	Title        string    `json:"title,omitempty"`
	LastPoll     time.Time `json:"last_poll,omitzero"`
	LastOK       time.Time `json:"last_ok,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	Errors       int       `json:"errors"`
	Polls        int       `json:"polls"`
	NotModified  int       `json:"not_modified"`
	Items        int       `json:"items"`
	Submitted    int       `json:"submitted"`
	Duplicates   int       `json:"duplicates"`
	Failed       int       `json:"failed"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
}

type feedState struct {
	FeedStatus
	seen   map[string]bool // by seenKey
	order  []string
	loaded bool // from Store (or there is none)
	dirty  bool // changed since the last save
}

// seenKey is the form an item's key is remembered in: 16 hex digits of its
// FNV-1a hash.
func seenKey(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf("%016x", h.Sum64())
}

// load restores a feed's state from Store once; a failure is logged and the
// feed starts afresh (the content-hash id still keeps out double briefs).
func (p *Poller) load(ctx context.Context, feed string) {
	p.mu.Lock()
	st := p.state[feed]
	done := st.loaded
	st.loaded = true
	p.mu.Unlock()
	if done || p.Store == nil {
		return
	}
	data, err := p.Store.Load(ctx, feed)
	if err != nil {
		p.Log.Warn("loading feed state; starting afresh", "feed", feed, "err", err)
		return
	}
	if data == nil {
		return
	}
	var saved savedState
	if err := json.Unmarshal(data, &saved); err != nil {
		p.Log.Warn("feed state unreadable; starting afresh", "feed", feed, "err", err)
		return
	}
	p.update(feed, func(s *feedState) {
		s.ETag, s.LastModified = saved.ETag, saved.LastModified
		for _, k := range saved.Seen {
			s.remember(k, p.MaxSeen)
		}
		s.dirty = false
	})
}

// save writes a feed's state to Store if it changed.
func (p *Poller) save(ctx context.Context, feed string) {
	if p.Store == nil {
		return
	}
	p.mu.Lock()
	st := p.state[feed]
	if !st.dirty {
		p.mu.Unlock()
		return
	}
	st.dirty = false
	data, err := json.Marshal(savedState{ETag: st.ETag, LastModified: st.LastModified, Seen: slices.Clone(st.order)})
	p.mu.Unlock()
	if err == nil {
		err = p.Store.Save(ctx, feed, data)
	}
	if err != nil {
		p.update(feed, func(s *feedState) { s.dirty = true })
		p.Log.Warn("saving feed state", "feed", feed, "err", err)
	}
}

// defaults fills in the unset fields, once: Status (the /v1/feeds handler)
// runs while Run polls, and a second write of the fields would race.
func (p *Poller) defaults() { p.once.Do(p.setDefaults) }

func (p *Poller) setDefaults() {
	if p.Interval <= 0 {
		p.Interval = 10 * time.Minute
	}
	if p.Client == nil {
		p.Client = ingest.NewClient(15*time.Second, false)
	}
	if p.MinChars <= 0 {
		p.MinChars = 500
	}
	if p.MaxFeedBytes <= 0 {
		p.MaxFeedBytes = 5 << 20
	}
	if p.MaxSeen <= 0 {
		p.MaxSeen = 10_000
	}
	if p.Log == nil {
		p.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p.mu.Lock()
	if p.state == nil {
		p.state = map[string]*feedState{}
	}
	for _, f := range p.Feeds {
		if p.state[f] == nil {
			p.state[f] = &feedState{FeedStatus: FeedStatus{URL: f}, seen: map[string]bool{}}
		}
	}
	p.mu.Unlock()
}

// Run polls every feed now and then every Interval until ctx is done.
func (p *Poller) Run(ctx context.Context) error {
	p.defaults()
	p.Log.Info("feed poller running", "feeds", len(p.Feeds), "interval", p.Interval.String())
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	for {
		p.PollAll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// PollAll polls each feed once, one after the other.
func (p *Poller) PollAll(ctx context.Context) {
	p.defaults()
	for _, f := range p.Feeds {
		if ctx.Err() != nil {
			return
		}
		if err := p.Poll(ctx, f); err != nil {
			p.Log.Warn("polling feed", "feed", f, "err", err)
		}
	}
}

// Status reports every feed.
func (p *Poller) Status() []FeedStatus {
	p.defaults()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]FeedStatus, 0, len(p.Feeds))
	for _, f := range p.Feeds {
		out = append(out, p.state[f].FeedStatus)
	}
	return out
}

// Handler serves Status as JSON (GET /v1/feeds).
func (p *Poller) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"feeds": p.Status()})
	})
}

func (p *Poller) update(feed string, fn func(s *feedState)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p.state[feed])
}

func (p *Poller) result(r string) {
	if p.OnPoll != nil {
		p.OnPoll(r)
	}
}

// Poll fetches one feed (conditionally) and submits its new items.
func (p *Poller) Poll(ctx context.Context, feed string) error {
	p.defaults()
	p.mu.Lock()
	st, ok := p.state[feed]
	if !ok {
		st = &feedState{FeedStatus: FeedStatus{URL: feed}, seen: map[string]bool{}}
		p.state[feed] = st
	}
	p.mu.Unlock()
	p.load(ctx, feed)
	defer p.save(context.WithoutCancel(ctx), feed)
	p.mu.Lock()
	etag, lastMod := st.ETag, st.LastModified
	p.mu.Unlock()

	parsed, newETag, newLastMod, err := p.fetchFeed(ctx, feed, etag, lastMod)
	now := time.Now().UTC()
	if err != nil {
		p.result("error")
		p.update(feed, func(s *feedState) {
			s.LastPoll, s.LastError, s.Errors, s.Polls = now, err.Error(), s.Errors+1, s.Polls+1
		})
		return err
	}
	if parsed == nil {
		p.result("not_modified")
		p.update(feed, func(s *feedState) {
			s.LastPoll, s.LastOK, s.LastError, s.Polls, s.NotModified = now, now, "", s.Polls+1, s.NotModified+1
		})
		return nil
	}
	p.result("ok")
	p.update(feed, func(s *feedState) {
		s.LastPoll, s.LastOK, s.LastError, s.Polls = now, now, "", s.Polls+1
		s.dirty = s.dirty || s.ETag != newETag || s.LastModified != newLastMod
		s.ETag, s.LastModified, s.Title = newETag, newLastMod, parsed.Title
		s.Items = len(parsed.Items)
	})
	// Oldest first, so that briefs appear in publication order.
	items := parsed.Items
	for i := len(items) - 1; i >= 0; i-- {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.item(ctx, feed, parsed.Title, items[i])
	}
	return nil
}

// fetchFeed GETs the feed with If-None-Match / If-Modified-Since. A nil
// feed with a nil error means 304 Not Modified.
func (p *Poller) fetchFeed(ctx context.Context, feed, etag, lastMod string) (*gofeed.Feed, string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feed, nil)
	if err != nil {
		return nil, "", "", fmt.Errorf("feed %s: %w", feed, err)
	}
	req.Header.Set("User-Agent", ingest.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, "", "", fmt.Errorf("fetching feed %s: %w", feed, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, etag, lastMod, nil
	case resp.StatusCode != http.StatusOK:
		return nil, "", "", fmt.Errorf("fetching feed %s: the server answered %s", feed, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, p.MaxFeedBytes+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("reading feed %s: %w", feed, err)
	}
	if int64(len(data)) > p.MaxFeedBytes {
		return nil, "", "", fmt.Errorf("feed %s is larger than %d bytes", feed, p.MaxFeedBytes)
	}
	parsed, err := gofeed.NewParser().Parse(strings.NewReader(string(data)))
	if err != nil {
		return nil, "", "", fmt.Errorf("parsing feed %s: %w", feed, err)
	}
	return parsed, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), nil
}

// item submits one feed item unless its URL was seen.
func (p *Poller) item(ctx context.Context, feed, feedTitle string, it *gofeed.Item) {
	link := Canonical(it.Link)
	if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		link = "" // only http(s) links are fetched or carried (javascript:, data:, file: are not)
	}
	key := link
	if key == "" {
		key = "guid:" + it.GUID
	}
	if key == "guid:" {
		key = "title:" + it.Title
	}
	key = seenKey(key)
	p.mu.Lock()
	seen := p.state[feed].seen[key]
	p.mu.Unlock()
	if seen {
		return
	}
	sub := Submission(feedTitle, it)
	sub.URL = link
	if text := TextLen(sub.Body); text < p.MinChars && link != "" {
		page, err := ingest.Fetch(ctx, p.Client, link, p.MaxBytes)
		switch {
		case err == nil:
			sub.Body, sub.HTML = page.Body, page.HTML
		case text == 0:
			p.Log.Warn("fetching feed item", "feed", feed, "url", link, "err", err)
			p.update(feed, func(s *feedState) { s.Failed++; s.LastError = err.Error() })
			return // retried at the next poll
		default:
			p.Log.Info("fetching feed item failed; using the feed's text", "feed", feed, "url", link, "err", err)
		}
	}
	data, _ := json.Marshal(sub)
	id, err := p.Submit(ctx, pipeline.Raw{Data: data, ContentType: "application/json"})
	if errors.Is(err, ErrRetry) || ctx.Err() != nil {
		p.Log.Warn("submitting feed item; will retry", "feed", feed, "url", link, "err", err)
		p.update(feed, func(s *feedState) { s.LastError = fmt.Sprint(err) })
		return
	}
	p.update(feed, func(s *feedState) {
		s.remember(key, p.MaxSeen)
		if err != nil {
			s.Failed++
		} else {
			s.Submitted++
		}
	})
	if err != nil {
		p.Log.Info("feed item not accepted", "feed", feed, "url", link, "err", err)
		return
	}
	p.Log.Info("feed item submitted", "id", id, "stage", "feeds", "feed", feed, "url", link)
}

func (s *feedState) remember(key string, max int) {
	if s.seen[key] {
		return
	}
	s.dirty = true
	s.seen[key] = true
	s.order = append(s.order, key)
	if len(s.order) > max {
		delete(s.seen, s.order[0])
		s.order = s.order[1:]
	}
}

// Submission turns a feed item into a submission: the fullest content the
// feed has (content, else description) as HTML, the item's title, link,
// source (the feed's title) and publication date.
func Submission(feedTitle string, it *gofeed.Item) news.Submission {
	body := it.Content
	if len(PlainText(it.Description)) > len(PlainText(body)) {
		body = it.Description
	}
	s := news.Submission{Title: strings.TrimSpace(html.UnescapeString(it.Title)), Body: body, HTML: body != "", URL: it.Link, Source: feedTitle}
	if it.PublishedParsed != nil {
		s.PublishedAt = it.PublishedParsed.UTC().Format(time.RFC3339)
	} else if it.UpdatedParsed != nil {
		s.PublishedAt = it.UpdatedParsed.UTC().Format(time.RFC3339)
	}
	return s
}

var tags = regexp.MustCompile(`(?s)<[^>]*>`)

// PlainText is s as plain text: tags removed, entities decoded, spaces
// collapsed.
func PlainText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(s, " "))), " ")
}

// TextLen is the length in characters of s as plain text: how a teaser is
// told from a full article.
func TextLen(s string) int { return len([]rune(PlainText(s))) }
