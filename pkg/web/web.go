// Package web is newsbrief's reading room: server-rendered HTML pages of the
// latest briefs with filters, one brief with its entities highlighted in the
// article text, the status of a submitted article, Atom and JSON feeds, and
// the Server-Sent Events stream that brings new briefs to an open page.
//
// It exists so that people can read briefs without a client: the pages are
// plain HTML with a small embedded script (no CDN, works offline) that only
// adds live updates and the submission form's status. Everything shown is
// escaped by html/template; article text is untrusted. It knows nothing of
// NATS: briefs come from a readmodel.Model and a Store.
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
)

//go:embed static templates
var files embed.FS

// Store reads full briefs (with body and mentions) and article statuses.
// gateway.Backend satisfies it; errors wrapping gateway.ErrNotFound mean
// there is no such id.
type Store interface {
	Brief(ctx context.Context, id string) (news.Brief, error)
	Status(ctx context.Context, id string) (news.Status, error)
}

// Config configures the pages.
type Config struct {
	// Index lists and searches briefs, and hands new ones to event streams.
	Index *readmodel.Model
	Store Store
	// Heartbeat is how often an idle event stream sends a comment so that
	// proxies keep it open (default 15s).
	Heartbeat time.Duration
	// PublicURL is the absolute base URL used in feeds ("https://news.example").
	// Empty: taken from each request's Host.
	PublicURL string
	// Languages offered in the language filter (default it, en).
	Languages []string
	// PageSize is how many briefs the front page lists (default 30).
	PageSize int
	// OnStream, if set, is told +1 and -1 as event streams open and close (metrics).
	OnStream func(delta int)
	// Submit queues one submission of the page's form and returns its id
	// (gateway.Submit behind the gateway's counters). Nil: the form is
	// answered 503 when posted without JavaScript.
	Submit func(ctx context.Context, r pipeline.Raw) (string, error)
	// APIToken, if set, is required in the form's token field, as the API
	// requires it in Authorization.
	APIToken string
	// MaxBytes bounds a submitted body (default ingest.DefaultMaxBytes).
	MaxBytes int
	Log      *slog.Logger
}

// Web serves the pages. Register its routes on a mux with Register.
type Web struct {
	cfg     Config
	tmpl    *template.Template
	static  http.Handler
	mu      sync.Mutex
	done    chan struct{}
	closed  bool
	streams int
	stories gateway.StoryReader
}

// New parses the embedded templates.
func New(cfg Config) (*Web, error) {
	if cfg.Index == nil || cfg.Store == nil {
		return nil, errors.New("web: Config needs an Index and a Store")
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if len(cfg.Languages) == 0 {
		cfg.Languages = []string{"it", "en"}
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 30
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	t, err := template.New("").Funcs(funcs).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parsing web templates: %w", err)
	}
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, fmt.Errorf("opening static files: %w", err)
	}
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fsrv.ServeHTTP(w, r)
	})
	return &Web{cfg: cfg, tmpl: t, static: static, done: make(chan struct{})}, nil
}

// Register adds the routes to mux:
//
//	GET /                    latest briefs (lang, topic, entity, q, cursor)
//	GET /briefs/{id}         one brief with the article and its entities highlighted
//	GET /articles/{id}       a submitted article's status
//	POST /submit             the page's form without JavaScript: 303 to the article's status page
//	GET /v1/briefs/stream    Server-Sent Events of new briefs (same filters; html=1 for HTML fragments)
//	GET /feed.xml            Atom feed (lang, topic, entity, q)
//	GET /feed.json           JSON Feed 1.1 (same filters)
//	GET /static/...          the embedded CSS and script
//	GET /stories/{id}        one story: its briefs by language, entities, figures, timeline (SetStories)
//	GET /stories.xml         Atom feed of the latest stories of several articles (lang, entity; all=1 for every story)
//	GET /stories.json        JSON Feed 1.1 of the same
func (wb *Web) Register(mux interface{ Handle(string, http.Handler) }) {
	mux.Handle("GET /{$}", http.HandlerFunc(wb.home))
	mux.Handle("GET /briefs/{id}", http.HandlerFunc(wb.brief))
	mux.Handle("GET /articles/{id}", http.HandlerFunc(wb.article))
	mux.Handle("GET /v1/briefs/stream", http.HandlerFunc(wb.stream))
	mux.Handle("POST /submit", http.HandlerFunc(wb.submit))
	mux.Handle("GET /feed.xml", http.HandlerFunc(wb.atom))
	mux.Handle("GET /feed.json", http.HandlerFunc(wb.jsonFeed))
	mux.Handle("GET /static/", wb.static)
	mux.Handle("GET /stories/{id}", http.HandlerFunc(wb.story))
	mux.Handle("GET /stories.xml", http.HandlerFunc(wb.storyAtom))
	mux.Handle("GET /stories.json", http.HandlerFunc(wb.storyJSONFeed))
}

// Shutdown ends every open event stream, so that an HTTP server's graceful
// shutdown does not wait for them. Later streams end at once.
func (wb *Web) Shutdown() {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	if !wb.closed {
		wb.closed = true
		close(wb.done)
	}
}

// Streams is the number of event streams open now.
func (wb *Web) Streams() int {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	return wb.streams
}

// securityHeaders go on every page: no inline script or style is used, so
// the policy is strict.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

func (wb *Web) render(w http.ResponseWriter, code int, name string, data any) {
	var sb strings.Builder
	if err := wb.tmpl.ExecuteTemplate(&sb, name, data); err != nil {
		wb.cfg.Log.Error("rendering page", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, sb.String())
}

func (wb *Web) errorPage(w http.ResponseWriter, code int, msg string) {
	wb.render(w, code, "error.html", map[string]any{"Title": http.StatusText(code), "Code": code, "Message": msg})
}

// homeData is the front page.
type homeData struct {
	Title     string
	Filter    gateway.Filter
	Languages []string
	Topics    []string
	Briefs    []card
	Next      string // query string of the next page, if any
	Error     string
	Stream    string // query string for the event stream

	// Stories are the latest stories with several articles (SetStories).
	Stories []storyCard
}

func (wb *Web) home(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := gateway.FilterFromQuery(q)
	d := homeData{Title: "newsbrief", Filter: f, Languages: wb.cfg.Languages, Topics: wb.topics(r.Context())}
	if err != nil {
		d.Error = err.Error()
		wb.render(w, http.StatusBadRequest, "home.html", d)
		return
	}
	list, next, err := wb.cfg.Index.List(r.Context(), readmodel.Query{Filter: f, Limit: wb.cfg.PageSize, Cursor: q.Get("cursor")})
	if err != nil {
		d.Error = err.Error()
		wb.render(w, http.StatusBadRequest, "home.html", d)
		return
	}
	for _, br := range list {
		d.Briefs = append(d.Briefs, newCard(br))
	}
	if q.Get("cursor") == "" {
		d.Stories = wb.homeStories(r, f)
	}
	fq := filterQuery(f)
	d.Stream = fq.Encode()
	if next != "" {
		fq.Set("cursor", next)
		d.Next = fq.Encode()
	}
	wb.render(w, http.StatusOK, "home.html", d)
}

// topics lists the topics of recent briefs, for the topic filter.
func (wb *Web) topics(ctx context.Context) []string {
	list, _, _ := wb.cfg.Index.List(ctx, readmodel.Query{Limit: 500})
	seen := map[string]bool{}
	var out []string
	for _, br := range list {
		for _, t := range br.Topics {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	return out
}

// filterQuery is the query string that selects f (Since left out: the
// pages and feeds are "latest").
func filterQuery(f gateway.Filter) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"lang": f.Lang, "topic": f.Topic, "entity": f.Entity, "q": f.Query} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

type briefData struct {
	Title    string
	Story    *storyCard
	Card     card
	Brief    news.Brief
	Segments []Segment
	Legend   []string
}

func (wb *Web) brief(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	br, err := wb.cfg.Store.Brief(r.Context(), id)
	if errors.Is(err, gateway.ErrNotFound) {
		if _, serr := wb.cfg.Store.Status(r.Context(), id); serr == nil {
			http.Redirect(w, r, "/articles/"+url.PathEscape(id), http.StatusSeeOther)
			return
		}
		wb.errorPage(w, http.StatusNotFound, "There is no brief with this id.")
		return
	}
	if err != nil {
		wb.cfg.Log.Error("reading brief", "id", id, "err", err)
		wb.errorPage(w, http.StatusServiceUnavailable, "The brief store is unavailable; try again shortly.")
		return
	}
	segs := Highlight(br.Body, br.Entities)
	seen := map[string]bool{}
	var legend []string
	for _, s := range segs {
		if s.Type != "" && !seen[s.Type] {
			seen[s.Type] = true
			legend = append(legend, s.Type)
		}
	}
	slices.SortFunc(legend, func(a, b string) int { return typeRank(a) - typeRank(b) })
	wb.render(w, http.StatusOK, "brief.html", briefData{Title: br.Headline, Story: wb.storyOf(r, br.ID, br.Language.Code), Card: newCard(br), Brief: br, Segments: segs, Legend: legend})
}

type articleData struct {
	Title  string
	Status news.Status
}

func (wb *Web) article(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, err := wb.cfg.Store.Status(r.Context(), id)
	if errors.Is(err, gateway.ErrNotFound) {
		wb.errorPage(w, http.StatusNotFound, "There is no article with this id.")
		return
	}
	if err != nil {
		wb.cfg.Log.Error("reading status", "id", id, "err", err)
		wb.errorPage(w, http.StatusServiceUnavailable, "The status store is unavailable; try again shortly.")
		return
	}
	if st.Status == news.StatusBriefed {
		http.Redirect(w, r, "/briefs/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	wb.render(w, http.StatusOK, "article.html", articleData{Title: "Article " + st.Status, Status: st})
}

// submit takes the page's form when the browser runs no script (the script
// posts JSON to /v1/articles itself): the article is queued as the API
// would, and the answer is a page, never JSON: 303 to the article's status
// page, or an error page saying what was wrong.
func (wb *Web) submit(w http.ResponseWriter, r *http.Request) {
	if wb.cfg.Submit == nil {
		wb.errorPage(w, http.StatusServiceUnavailable, "Submitting is not available here; use newsbrief submit or POST /v1/articles.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, gateway.RequestLimit(wb.cfg.MaxBytes))
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			wb.errorPage(w, http.StatusRequestEntityTooLarge, "The article is too long.")
			return
		}
		wb.errorPage(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	if wb.cfg.APIToken != "" && subtle.ConstantTimeCompare([]byte(r.PostForm.Get("token")), []byte(wb.cfg.APIToken)) != 1 {
		wb.errorPage(w, http.StatusUnauthorized, "This server needs an API token to submit articles: give it in the form's token field.")
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	if text == "" {
		wb.errorPage(w, http.StatusBadRequest, "Paste some text or a URL first.")
		return
	}
	sub := news.Submission{Title: strings.TrimSpace(r.PostForm.Get("title")), Language: r.PostForm.Get("language")}
	if (strings.HasPrefix(text, "http://") || strings.HasPrefix(text, "https://")) && !strings.ContainsAny(text, " \t\n") {
		sub.URL = text
	} else {
		sub.Body = text
	}
	data, err := json.Marshal(sub)
	if err != nil {
		wb.errorPage(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	id, err := wb.cfg.Submit(r.Context(), pipeline.Raw{Data: data, ContentType: "application/json"})
	if err != nil {
		code := http.StatusBadRequest
		switch {
		case errors.Is(err, gateway.ErrUnavailable):
			code = http.StatusServiceUnavailable
		case errors.Is(err, ingest.ErrTooLarge):
			code = http.StatusRequestEntityTooLarge
		case errors.Is(err, ingest.ErrFetch):
			code = http.StatusUnprocessableEntity
		}
		wb.errorPage(w, code, "The article was not accepted: "+err.Error())
		return
	}
	http.Redirect(w, r, "/articles/"+url.PathEscape(id), http.StatusSeeOther)
}
