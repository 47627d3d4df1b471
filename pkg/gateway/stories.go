package gateway

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// StoryReader is what the stories API reads. StoryView keeps it in memory
// from the stories bucket's watch; a read store can take its place.
type StoryReader interface {
	// Stories lists stories matching f, most recently active first.
	Stories(f StoryFilter, limit int, cursor string) (stories []news.Story, next string, err error)
	Story(id string) (news.Story, bool)
	// StoryOf is the story an article is in.
	StoryOf(articleID string) (string, bool)
	// Subscribe returns a channel of changed stories and a cancel func.
	Subscribe() (<-chan news.Story, func())
}

// StoryFilter selects stories.
type StoryFilter struct {
	Lang   string
	Entity string
	Since  time.Time
}

// StoryView is a StoryReader in memory over the stories of a window: a
// story whose last member is older than the newest story's by more than
// the window is dropped (it stays in the bucket).
type StoryView struct {
	mu      sync.RWMutex
	window  time.Duration
	byID    map[string]*news.Story
	article map[string]string
	newest  time.Time
	subs    map[chan news.Story]struct{}
	closed  bool
}

// NewStoryView returns an empty view keeping window (default 7 days).
func NewStoryView(window time.Duration) *StoryView {
	if window <= 0 {
		window = 7 * 24 * time.Hour
	}
	return &StoryView{window: window, byID: map[string]*news.Story{}, article: map[string]string{}, subs: map[chan news.Story]struct{}{}}
}

// Add installs or replaces a story (its index state is dropped) and tells
// the subscribers when live.
func (v *StoryView) Add(s *news.Story, live bool) {
	if s == nil || s.ID == "" {
		return
	}
	c := *s
	c.State = nil
	v.mu.Lock()
	if c.LastSeen.After(v.newest) {
		v.newest = c.LastSeen
	}
	v.byID[c.ID] = &c
	for _, m := range c.Members {
		v.article[m.ID] = c.ID
	}
	cut := v.newest.Add(-v.window)
	for id, o := range v.byID {
		if o.LastSeen.Before(cut) {
			delete(v.byID, id)
			for _, m := range o.Members {
				if v.article[m.ID] == id {
					delete(v.article, m.ID)
				}
			}
		}
	}
	if live {
		for ch := range v.subs {
			select {
			case ch <- c:
			default: // a slow reader misses an update rather than stalling the view
			}
		}
	}
	v.mu.Unlock()
}

func (v *StoryView) Story(id string) (news.Story, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	s, ok := v.byID[id]
	if !ok {
		return news.Story{}, false
	}
	return *s, true
}

func (v *StoryView) StoryOf(articleID string) (string, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	id, ok := v.article[articleID]
	return id, ok
}

// Len is how many stories are in view.
func (v *StoryView) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.byID)
}

// Subscribe's channel is closed by Close (shutdown).
func (v *StoryView) Subscribe() (<-chan news.Story, func()) {
	ch := make(chan news.Story, 16)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		close(ch)
		return ch, func() {}
	}
	v.subs[ch] = struct{}{}
	return ch, func() {
		v.mu.Lock()
		if _, ok := v.subs[ch]; ok {
			delete(v.subs, ch)
			close(ch)
		}
		v.mu.Unlock()
	}
}

// Close ends every subscription, so that event streams return before the
// HTTP server shuts down.
func (v *StoryView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
	for ch := range v.subs {
		delete(v.subs, ch)
		close(ch)
	}
}

func (v *StoryView) Stories(f StoryFilter, limit int, cursor string) ([]news.Story, string, error) {
	var afterT time.Time
	afterID := ""
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		t, id, ok := strings.Cut(string(raw), "|")
		n, err2 := strconv.ParseInt(t, 10, 64)
		if err != nil || !ok || err2 != nil {
			return nil, "", fmt.Errorf("bad cursor")
		}
		afterT, afterID = time.Unix(0, n), id
	}
	v.mu.RLock()
	all := make([]*news.Story, 0, len(v.byID))
	for _, s := range v.byID {
		if f.match(s) {
			all = append(all, s)
		}
	}
	v.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return before(all[i], all[j]) })
	var out []news.Story
	for _, s := range all {
		if cursor != "" && !before(&news.Story{ID: afterID, LastSeen: afterT}, s) {
			continue
		}
		if len(out) == limit {
			last := out[len(out)-1]
			return out, base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.LastSeen.UnixNano(), 10) + "|" + last.ID)), nil
		}
		out = append(out, *s)
	}
	return out, "", nil
}

// before orders stories most recently active first, then by id.
func before(a, b *news.Story) bool {
	if !a.LastSeen.Equal(b.LastSeen) {
		return a.LastSeen.After(b.LastSeen)
	}
	return a.ID < b.ID
}

func (f StoryFilter) match(s *news.Story) bool {
	if f.Lang != "" && !containsStr(s.Languages, f.Lang) {
		return false
	}
	if !f.Since.IsZero() && s.LastSeen.Before(f.Since) {
		return false
	}
	if f.Entity != "" {
		want := strings.ToLower(f.Entity)
		for _, e := range s.Entities {
			if strings.ToLower(e.Name) == want || e.ID == f.Entity || e.Key == want {
				return true
			}
			for _, n := range e.Names {
				if strings.ToLower(n) == want {
					return true
				}
			}
		}
		return false
	}
	return true
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// StoryList is the answer to GET /v1/stories.
type StoryList struct {
	Stories    []news.Story `json:"stories"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// RegisterStories serves the stories API from r: GET /v1/stories,
// GET /v1/stories/{id}, and the SSE stream GET /v1/stories/events; and
// GET /v1/articles/{id} gains the article's story_id.
func (s *Server) RegisterStories(r StoryReader) {
	s.stories = r
	s.mux.HandleFunc("GET /v1/stories", s.listStories)
	s.mux.HandleFunc("GET /v1/stories/events", s.storyEvents)
	s.mux.HandleFunc("GET /v1/stories/{id}", s.getStory)
}

func (s *Server) listStories(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bf, err := FilterFromQuery(q)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, "limit must be a number from 1 to 500")
			return
		}
		limit = n
	}
	list, next, err := s.stories.Stories(StoryFilter{Lang: bf.Lang, Entity: bf.Entity, Since: bf.Since}, limit, q.Get("cursor"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if list == nil {
		list = []news.Story{}
	}
	writeJSON(w, http.StatusOK, StoryList{Stories: list, NextCursor: next})
}

func (s *Server) getStory(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, ok := s.stories.Story(id)
	if !ok {
		writeError(w, http.StatusNotFound, "no story with id "+strconv.Quote(id))
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// storyEvents streams changed stories as server-sent events ("story").
func (s *Server) storyEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ch, cancel := s.stories.Subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": stories\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case st, ok := <-ch:
			if !ok {
				return
			}
			data, err := jsonLine(st)
			if err != nil {
				continue
			}
			fmt.Fprintf(w, "event: story\nid: %s\ndata: %s\n\n", st.ID, data)
			fl.Flush()
		}
	}
}
