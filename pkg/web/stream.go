package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// stream serves new briefs as Server-Sent Events until the client goes or
// Shutdown is called. Each event is "event: brief", "id: <brief id>" and one
// data line of the brief's JSON (as in the index: no body, no mentions);
// with html=1 the data is the brief's card as an HTML fragment instead, for
// the page's script. Comments are sent every Heartbeat to keep proxies from
// closing an idle stream. A client that falls behind by 64 briefs misses
// some rather than slowing the others. A client that reconnects with
// Last-Event-ID first gets the briefs it missed since that one (up to
// replayMax, oldest first), as EventSource does by itself after a drop.
func (wb *Web) stream(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := gateway.FilterFromQuery(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	asHTML := q.Get("html") == "1"
	rc := http.NewResponseController(w)
	briefs, cancel := wb.cfg.Index.Subscribe()
	defer cancel()
	wb.openStream(1)
	defer wb.openStream(-1)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	// The retry hint and a first comment tell the client the stream is live.
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return
	}
	send := func(br news.Brief) bool {
		data, err := wb.event(br, asHTML)
		if err != nil {
			wb.cfg.Log.Error("encoding stream event", "id", br.ID, "err", err)
			return true
		}
		_, err = fmt.Fprintf(w, "event: brief\nid: %s\n%s\n", oneLine(br.ID), data)
		return err == nil
	}
	// Replay after subscribing, so nothing falls between the two; a brief
	// both replayed and then delivered live is sent once.
	var replayed map[string]time.Time
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		missed, _, err := wb.cfg.Index.After(r.Context(), last, f, replayMax)
		if err != nil {
			wb.cfg.Log.Error("replaying missed briefs", "err", err)
		}
		replayed = make(map[string]time.Time, len(missed))
		for _, br := range missed {
			if !send(br) {
				return
			}
			replayed[br.ID] = br.CreatedAt
		}
	}
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(wb.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-wb.done:
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return
			}
		case br := <-briefs:
			if !f.Match(br) {
				continue
			}
			if at, ok := replayed[br.ID]; ok && at.Equal(br.CreatedAt) {
				delete(replayed, br.ID)
				continue
			}
			if !send(br) {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// replayMax bounds the briefs replayed to a reconnecting stream.
const replayMax = 500

// event returns the data lines of one event.
func (wb *Web) event(br news.Brief, asHTML bool) (string, error) {
	var payload string
	if asHTML {
		var sb strings.Builder
		if err := wb.tmpl.ExecuteTemplate(&sb, "card", newCard(br)); err != nil {
			return "", err
		}
		payload = sb.String()
	} else {
		data, err := json.Marshal(br)
		if err != nil {
			return "", err
		}
		payload = string(data)
	}
	// A newline inside data would end the field: each line is its own
	// "data:" field, which the client joins back with newlines.
	var sb strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(payload, "\r", ""), "\n") {
		sb.WriteString("data: ")
		sb.WriteString(line)
		sb.WriteString("\n")
	}
	return sb.String(), nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", "", "\r", "").Replace(s)
}

func (wb *Web) openStream(delta int) {
	wb.mu.Lock()
	wb.streams += delta
	wb.mu.Unlock()
	if wb.cfg.OnStream != nil {
		wb.cfg.OnStream(delta)
	}
}
