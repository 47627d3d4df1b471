// Package llmtest is a local OpenAI-compatible chat completions server for
// tests and benchmarks of package llm: no model, no network, no cost.
//
// By default it answers GROUNDED: it reads the article between <article>
// tags in the prompt and builds a schema-valid reply from the article's own
// text (entities: capitalised word runs and money/percent spans; briefs:
// the first sentences), so it works for any article and every reply passes
// the grounding checks. Faults (rate limits, errors, slow or invalid
// replies, invented facts, obeyed injections) are scripted per request
// number or decided by a hook, and every request is counted and captured.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Options configure a Server. The zero value is a grounded server with no
// latency.
type Options struct {
	// Latency is added to every chat request (e.g. 500ms to bench the
	// pipeline against a realistic model).
	Latency time.Duration
	// Model is the model name reported by /v1/models and in replies;
	// default "llmtest".
	Model string
	// Script maps a request number (1-based, chat requests only) to a fault.
	Script map[int]Fault
	// Hook, if set, is asked for a fault for every chat request the Script
	// does not cover; nil means a grounded reply.
	Hook func(n int, r Request) *Fault
}

// Fault is a deviation from the grounded reply.
type Fault struct {
	// Status, if set, answers this HTTP status with an OpenAI error body.
	Status int
	// RetryAfter is sent as the Retry-After header (with Status).
	RetryAfter string
	// Delay holds the reply back (a slow model); it stops early if the
	// client goes away.
	Delay time.Duration
	// Content, if set, replaces the reply content (e.g. invalid JSON).
	Content string
	// Edit changes the grounded reply before it is sent. task is the
	// schema name: "entities" or "brief".
	Edit func(task string, reply map[string]any)
}

// RateLimit is a 429 with the given Retry-After header ("" for none).
func RateLimit(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 500.
func ServerError() Fault { return Fault{Status: http.StatusInternalServerError} }

// Slow delays the reply by d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// InvalidJSON replies with truncated JSON.
func InvalidJSON() Fault { return Fault{Content: `{"headline": "cut off`} }

// Invent adds text that is not in the article: to a brief's summary, or as
// an ORG entity.
func Invent(text string) Fault {
	return Fault{Edit: func(task string, r map[string]any) {
		switch task {
		case "brief":
			r["summary"] = fmt.Sprint(r["summary"]) + " " + text
		case "entities":
			r["entities"] = append(r["entities"].([]any), map[string]any{"name": text, "type": "ORG", "surface": []any{text}})
		}
	}}
}

// Obey answers as a model that followed an injected instruction would:
// the brief's headline and summary become text; for entities, text is added
// as an entity.
func Obey(text string) Fault {
	return Fault{Edit: func(task string, r map[string]any) {
		switch task {
		case "brief":
			r["headline"] = text
			r["summary"] = text
		case "entities":
			r["entities"] = append(r["entities"].([]any), map[string]any{"name": text, "type": "ORG", "surface": []any{text}})
		}
	}}
}

// Request is one captured chat request.
type Request struct {
	N      int
	Header http.Header
	Body   []byte
	Chat   openai.ChatCompletionRequest
	// Task is the response_format JSON-schema name ("entities", "brief").
	Task string
	// Schema is the JSON schema sent, if any.
	Schema json.RawMessage
	// Article is the text between <article> and </article> in the last
	// user message ("" if the prompt delimits none).
	Article string
}

// Server is an httptest.Server speaking the chat completions API.
type Server struct {
	*httptest.Server
	opts Options

	mu          sync.Mutex
	n           int
	inFlight    int
	maxInFlight int
	last        Request
}

// NewServer starts a server on 127.0.0.1. Close it when done.
func NewServer(o Options) *Server {
	if o.Model == "" {
		o.Model = "llmtest"
	}
	s := &Server{opts: o}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", s.models)
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the API root to configure a client with (ends in /v1).
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Requests returns how many chat requests arrived.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Last returns the last chat request.
func (s *Server) Last() Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// MaxInFlight returns the most chat requests ever handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *Server) models(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{
		map[string]any{"id": s.opts.Model, "object": "model", "owned_by": "llmtest"},
	}})
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	req := Request{Header: r.Header.Clone(), Body: body}
	if err == nil {
		err = json.Unmarshal(body, &req.Chat)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid request: "+err.Error())
		return
	}
	if rf := req.Chat.ResponseFormat; rf != nil && rf.JSONSchema != nil {
		req.Task = rf.JSONSchema.Name
		if rf.JSONSchema.Schema != nil {
			req.Schema, _ = rf.JSONSchema.Schema.MarshalJSON()
		}
	}
	for _, m := range req.Chat.Messages {
		if m.Role == openai.ChatMessageRoleUser {
			if a, ok := between(m.Content, "<article>", "</article>"); ok {
				req.Article = strings.TrimSpace(a)
			}
		}
	}
	s.mu.Lock()
	s.n++
	req.N = s.n
	s.last = req
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	var f *Fault
	if sf, ok := s.opts.Script[req.N]; ok {
		f = &sf
	} else if s.opts.Hook != nil {
		f = s.opts.Hook(req.N, req)
	}
	delay := s.opts.Latency
	if f != nil {
		delay += f.Delay
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	if f != nil && f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, fmt.Sprintf("llmtest: scripted %d", f.Status))
		return
	}
	reply := grounded(req.Task, req.Article)
	content := ""
	if f != nil && f.Edit != nil {
		f.Edit(req.Task, reply)
	}
	if f != nil && f.Content != "" {
		content = f.Content
	} else {
		b, _ := json.Marshal(reply)
		content = string(b)
	}
	prompt := 0
	for _, m := range req.Chat.Messages {
		prompt += len(m.Content)
	}
	usage := openai.Usage{PromptTokens: prompt/4 + 1, CompletionTokens: len(content)/4 + 1}
	usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens
	writeJSON(w, http.StatusOK, openai.ChatCompletionResponse{
		ID: fmt.Sprintf("llmtest-%d", req.N), Object: "chat.completion", Created: time.Now().Unix(),
		Model: s.opts.Model,
		Choices: []openai.ChatCompletionChoice{{
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content},
			FinishReason: openai.FinishReasonStop,
		}},
		Usage: usage,
	})
}

func between(s, open, close string) (string, bool) {
	i := strings.Index(s, open)
	if i < 0 {
		return "", false
	}
	s = s[i+len(open):]
	j := strings.LastIndex(s, close)
	if j < 0 {
		return "", false
	}
	return s[:j], true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "llmtest", "code": status}})
}

// grounded builds a reply for task from the article's own text.
func grounded(task, article string) map[string]any {
	if task == "entities" {
		return map[string]any{"entities": entities(article)}
	}
	sents := Sentences(article)
	r := map[string]any{"headline": "", "summary": "", "key_points": []any{}, "topics": []any{"other"}}
	if len(sents) == 0 {
		return r
	}
	r["headline"] = cut(sents[0], 100)
	r["summary"] = strings.Join(sents[:min(2, len(sents))], " ")
	var kp []any
	for _, s := range sents[min(2, len(sents)):min(5, len(sents))] {
		kp = append(kp, s)
	}
	if kp != nil {
		r["key_points"] = kp
	}
	return r
}

// Sentences splits text into sentences at '.', '!' or '?' followed by a
// space and an upper-case letter, and at line breaks.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		start := 0
		for i, r := range line {
			if r != '.' && r != '!' && r != '?' {
				continue
			}
			rest := line[i+1:]
			if len(rest) < 2 || rest[0] != ' ' {
				continue
			}
			next, _ := utf8.DecodeRuneInString(rest[1:])
			if unicode.IsUpper(next) {
				out = append(out, strings.TrimSpace(line[start:i+1]))
				start = i + 2
			}
		}
		if s := strings.TrimSpace(line[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := strings.LastIndex(s[:n], " ")
	if i <= 0 {
		return s
	}
	return s[:i]
}

var (
	capsRE    = regexp.MustCompile(`\p{Lu}[\p{L}\p{N}&'’.-]*\p{L}(?:[ ]+\p{Lu}[\p{L}\p{N}&'’.-]*\p{L})*`)
	moneyRE   = regexp.MustCompile(`[$€£]\s?\d[\d.,]*(?:\s?(?:billion|million|miliardi|milioni|bn|mln|mld))?|\d[\d.,]*\s(?:miliardi|milioni|billion|million)\s(?:di\s)?(?:dollari|euro|dollars|euros)`)
	percentRE = regexp.MustCompile(`\d[\d.,]*\s?(?:%|per cento|percent)`)
	starters  = map[string]bool{"The": true, "A": true, "An": true, "In": true, "On": true, "It": true, "Il": true,
		"La": true, "Lo": true, "Le": true, "Gli": true, "I": true, "Un": true, "Una": true, "Nel": true, "Per": true,
		"This": true, "That": true, "But": true, "And": true, "Ma": true, "E": true, "Secondo": true, "According": true}
)

func entities(article string) []any {
	out := []any{}
	seen := map[string]bool{}
	add := func(name, typ string) {
		if seen[name] {
			return
		}
		seen[name] = true
		out = append(out, map[string]any{"name": name, "type": typ, "surface": []any{name}})
	}
	for _, m := range moneyRE.FindAllString(article, -1) {
		add(strings.TrimRight(m, ".,"), "MONEY")
	}
	for _, m := range percentRE.FindAllString(article, -1) {
		add(m, "PERCENT")
	}
	for _, ix := range capsRE.FindAllStringIndex(article, -1) {
		if !wholeWord(article, ix[0], ix[1]) {
			continue // "Cloud" in "iCloud"
		}
		m := strings.TrimRight(article[ix[0]:ix[1]], ".’'-")
		if first, _, _ := strings.Cut(m, " "); starters[first] {
			if _, rest, ok := strings.Cut(m, " "); ok {
				m = rest
			} else {
				continue
			}
		}
		if utf8.RuneCountInString(m) >= 2 {
			add(m, "ORG")
		}
	}
	return out
}

func wholeWord(s string, i, j int) bool {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[j:])
	return (i == 0 || !isWord(prev)) && (j == len(s) || !isWord(next))
}
