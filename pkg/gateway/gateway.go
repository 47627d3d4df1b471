// Package gateway serves newsbrief over HTTP: submitting articles, reading
// their status and briefs. It knows nothing of NATS; the services wire it to
// package bus through Backend.
package gateway

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/tracing"
)

// ErrNotFound is what a Backend returns for an unknown id.
var ErrNotFound = errors.New("gateway: not found")

// Backend is what the gateway needs from the rest of the system.
type Backend interface {
	// Prepare decodes and normalises a submission (pipeline.Pipeline).
	Prepare(ctx context.Context, r pipeline.Raw) (news.Article, error)
	// Claim records a new article as pending (see bus.Articles.Claim).
	Claim(ctx context.Context, id string) (fresh bool, st news.Status, err error)
	// Submit hands a prepared article to the pipeline.
	Submit(ctx context.Context, a news.Article) error
	Status(ctx context.Context, id string) (news.Status, error)
	Brief(ctx context.Context, id string) (news.Brief, error)
	// Ready reports whether the backend can serve (NATS reachable).
	Ready(ctx context.Context) error
}

// Config configures the HTTP API.
type Config struct {
	// MaxBytes bounds a submission's body (default ingest.DefaultMaxBytes).
	MaxBytes int
	// APIToken, if set, is required as "Authorization: Bearer <token>" on
	// write endpoints.
	APIToken string
	// RatePerSecond, if positive, limits POST requests per client IP to a
	// token bucket of this rate and RateBurst tokens; over it the answer is
	// 429 with Retry-After.
	RatePerSecond float64
	RateBurst     int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client for the rate limit (see clientIP); empty: none.
	TrustedProxies []netip.Prefix
	Log            *slog.Logger
	// OnSubmit, if set, is told the result of every POST /v1/articles:
	// "queued", "duplicate", "rejected" (the submitter's to fix) or "error"
	// (the queue was unavailable).
	OnSubmit func(result string)
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	backend Backend
	index   *readmodel.Model
	mux     *http.ServeMux
	limiter *limiter
	// stories, when set (RegisterStories), serves the stories API.
	stories StoryReader
}

// Filter selects briefs (see readmodel.Filter).
type Filter = readmodel.Filter

// New returns the API over backend and the read model index.
func New(cfg Config, backend Backend, index *readmodel.Model) *Server {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = ingest.DefaultMaxBytes
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, backend: backend, index: index, mux: http.NewServeMux(), limiter: newLimiter(cfg.RatePerSecond, cfg.RateBurst)}
	s.mux.HandleFunc("POST /v1/articles", s.limit(s.auth(s.postArticle)))
	s.mux.HandleFunc("GET /v1/articles/{id}", s.getArticle)
	s.mux.HandleFunc("GET /v1/briefs/{id}", s.getBrief)
	s.mux.HandleFunc("GET /v1/briefs", s.listBriefs)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	s.mux.HandleFunc("GET /readyz", s.ready)
	s.mux.HandleFunc("GET /v1/schema/brief", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(news.BriefSchema)
	})
	// The items of GET /v1/briefs: briefs without body and mention offsets.
	s.mux.HandleFunc("GET /v1/schema/brief-summary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		_, _ = w.Write(news.BriefSummarySchema)
	})
	return s
}

// Handle adds a route (web page, feeds, metrics) to the server's mux.
// Routes for POST are rate limited like POST /v1/articles.
func (s *Server) Handle(pattern string, h http.Handler) {
	if strings.HasPrefix(pattern, "POST ") {
		h = s.limit(h.ServeHTTP)
	}
	s.mux.Handle(pattern, h)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Log.Error("panic serving request", "path", r.URL.Path, "panic", p)
			writeError(w, http.StatusInternalServerError, "internal error")
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	if s.cfg.APIToken == "" {
		return h
	}
	want := []byte(s.cfg.APIToken)
	return func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare(bearer(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newsbrief"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h(w, r)
	}
}

// bearer returns the token of an "Authorization: Bearer <token>" header, or
// nil. The scheme name is case-insensitive (RFC 9110, 11.1), and blanks
// around the token do not count.
func bearer(header string) []byte {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	return []byte(strings.TrimSpace(token))
}

// Submitted is the answer to POST /v1/articles.
type Submitted struct {
	ID        string `json:"id"`
	StatusURL string `json:"status_url"`
	BriefURL  string `json:"brief_url"`
	// Status is set for a duplicate: the article is already known.
	Status    string `json:"status,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

func (s *Server) postArticle(w http.ResponseWriter, r *http.Request) {
	// Read one byte past the limit (and some slack for JSON escaping) so an
	// oversized body is told apart from one exactly at the limit.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, RequestLimit(s.cfg.MaxBytes)))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.cfg.MaxBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	// The submitter's trace context, if any, travels with the article.
	ctx, cancel := context.WithTimeout(tracing.FromRequest(r), 30*time.Second)
	defer cancel()
	resp, err := Submit(ctx, s.backend, pipeline.Raw{Data: body, ContentType: r.Header.Get("Content-Type")})
	if s.cfg.OnSubmit != nil {
		switch {
		case errors.Is(err, ErrUnavailable), errors.Is(err, pipeline.ErrTemporary):
			s.cfg.OnSubmit("error")
		case err != nil:
			s.cfg.OnSubmit("rejected")
		case resp.Duplicate:
			s.cfg.OnSubmit("duplicate")
		default:
			s.cfg.OnSubmit("queued")
		}
	}
	if errors.Is(err, ErrUnavailable) {
		s.unavailable(w, "queueing article", err)
		return
	}
	if errors.Is(err, pipeline.ErrTemporary) {
		// The page could not be fetched for now: not the submitter's fault.
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if err != nil {
		code := http.StatusBadRequest
		switch {
		case errors.Is(err, ingest.ErrTooLarge):
			code = http.StatusRequestEntityTooLarge
		case errors.Is(err, ingest.ErrFetch):
			code = http.StatusUnprocessableEntity
		}
		writeError(w, code, err.Error())
		return
	}
	if resp.Duplicate {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	writeJSON(w, http.StatusAccepted, resp)
}

// RequestLimit is the largest request body POST /v1/articles reads for a
// body limit of maxBytes: twice the body (JSON escaping) and some slack for
// the other fields. The CLI reads its input through the same limit, so it
// never holds more than the server would take.
func RequestLimit(maxBytes int) int64 {
	if maxBytes <= 0 {
		maxBytes = ingest.DefaultMaxBytes
	}
	return int64(maxBytes)*2 + 1024
}

// ErrUnavailable is wrapped by Submit's errors when the article could not be
// recorded or queued: the submission was fine, retry it later.
var ErrUnavailable = errors.New("gateway: queue unavailable")

// Submit prepares, claims and queues one raw submission: what POST
// /v1/articles does, shared with the feed poller and the inbox. A duplicate
// of a briefed or rejected article is not queued again (Duplicate is set).
// Errors from preparing wrap package ingest's sentinels and are the
// submitter's to fix; failures to record or queue wrap ErrUnavailable.
func Submit(ctx context.Context, be Backend, r pipeline.Raw) (Submitted, error) {
	a, err := be.Prepare(ctx, r)
	if err != nil {
		return Submitted{}, err
	}
	resp := Submitted{ID: a.ID, StatusURL: "/v1/articles/" + a.ID, BriefURL: "/v1/briefs/" + a.ID}
	fresh, st, err := be.Claim(ctx, a.ID)
	if err != nil {
		return resp, fmt.Errorf("%w: recording article %s: %w", ErrUnavailable, a.ID, err)
	}
	if !fresh {
		resp.Status, resp.Duplicate = st.Status, true
		return resp, nil
	}
	if err := be.Submit(ctx, a); err != nil {
		return resp, fmt.Errorf("%w: queueing article %s: %w", ErrUnavailable, a.ID, err)
	}
	return resp, nil
}

func (s *Server) unavailable(w http.ResponseWriter, what string, err error) {
	s.cfg.Log.Error(what, "err", err)
	w.Header().Set("Retry-After", "5")
	writeError(w, http.StatusServiceUnavailable, what+": the queue is unavailable, retry later")
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, err := s.backend.Status(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "no article with id "+strconv.Quote(id))
		return
	}
	if err != nil {
		s.unavailable(w, "reading status", err)
		return
	}
	if s.stories != nil {
		if sid, ok := s.stories.StoryOf(id); ok {
			writeJSON(w, http.StatusOK, struct {
				news.Status
				StoryID string `json:"story_id"`
			}{st, sid})
			return
		}
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) getBrief(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	br, err := s.backend.Brief(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		msg := "no brief with id " + strconv.Quote(id)
		if st, err := s.backend.Status(r.Context(), id); err == nil {
			msg += " (article is " + st.Status + ")"
		}
		writeError(w, http.StatusNotFound, msg)
		return
	}
	if err != nil {
		s.unavailable(w, "reading brief", err)
		return
	}
	writeJSON(w, http.StatusOK, br)
}

// BriefList is the answer to GET /v1/briefs.
type BriefList struct {
	Briefs     []news.Brief `json:"briefs"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// FilterFromQuery reads lang, topic, entity (a knowledge-base id or a
// name), q, since and until from a query string. since and until bound the
// publication time: a duration back from now (24h) or an RFC 3339 time.
func FilterFromQuery(q map[string][]string) (Filter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := Filter{Lang: get("lang"), Topic: get("topic"), Entity: get("entity"), Query: get("q")}
	for _, b := range []struct {
		name string
		t    *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		s := get(b.name)
		if s == "" {
			continue
		}
		if d, err := time.ParseDuration(s); err == nil {
			*b.t = time.Now().Add(-d)
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			*b.t = t
		} else {
			return f, fmt.Errorf("%s must be a duration (24h) or an RFC 3339 time, not %q", b.name, s)
		}
	}
	if len(f.Query) > maxQuery {
		return f, fmt.Errorf("q is longer than %d bytes", maxQuery)
	}
	return f, nil
}

// maxQuery bounds q: longer is not a search anyone types.
const maxQuery = 500

// QueryFromRequest reads a page request: the filter (FilterFromQuery),
// sort (created or published), limit (1 to 500, default 20) and cursor.
func QueryFromRequest(q map[string][]string) (readmodel.Query, error) {
	f, err := FilterFromQuery(q)
	rq := readmodel.Query{Filter: f, Limit: 20}
	if err != nil {
		return rq, err
	}
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	switch s := get("sort"); s {
	case "", "created":
		rq.Sort = readmodel.ByCreated
	case "published":
		rq.Sort = readmodel.ByPublished
	default:
		return rq, fmt.Errorf("sort must be created or published, not %q", s)
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return rq, errors.New("limit must be a number from 1 to 500")
		}
		rq.Limit = n
	}
	rq.Cursor = get("cursor")
	return rq, nil
}

func (s *Server) listBriefs(w http.ResponseWriter, r *http.Request) {
	rq, err := QueryFromRequest(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	briefs, next, err := s.index.List(r.Context(), rq)
	if errors.Is(err, readmodel.ErrCursor) {
		writeError(w, http.StatusBadRequest, "invalid cursor")
		return
	}
	if err != nil {
		s.cfg.Log.Error("listing briefs", "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "listing briefs: the read model is unavailable, retry later")
		return
	}
	writeJSON(w, http.StatusOK, BriefList{Briefs: briefs, NextCursor: next})
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if err := s.backend.Ready(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
		return
	}
	// Until the read model has caught up with the briefs bucket once, lists
	// would be missing briefs: not ready.
	if err := s.index.Ready(); err != nil {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "catching up", "error": "not ready: " + err.Error(), "lag": s.index.Lag()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "lag": s.index.Lag()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// jsonLine encodes v on one line.
func jsonLine(v any) ([]byte, error) { return json.Marshal(v) }

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
