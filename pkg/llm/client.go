package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/stage"
	openai "github.com/sashabaranov/go-openai"
)

// Errors returned by Entities and Brief. ShouldFallBack tells a caller
// which of them mean "use the offline engine for this article".
var (
	// ErrDisabled is returned by New when the config has no endpoint or model.
	ErrDisabled = errors.New("llm: not configured")
	// ErrBudget is returned in offline budget mode once the daily token
	// budget is spent. (In wait mode the error is a stage.RetryAfter
	// wrapping ErrBudgetWait.)
	ErrBudget = errors.New("llm: daily token budget spent")
	// ErrBudgetWait is wrapped, inside a stage.RetryAfter until the next UTC
	// day, in wait budget mode once the daily token budget is spent.
	ErrBudgetWait = errors.New("llm: daily token budget spent, waiting for the next UTC day")
	// ErrRateLimited is wrapped, inside a stage.RetryAfter, when the endpoint
	// answered 429 and the wait is long or the inner retries are used up.
	ErrRateLimited = errors.New("llm: rate limited")
	// ErrUnavailable is returned when the endpoint failed every attempt
	// (5xx, timeouts, connection errors) or refused the request (4xx).
	ErrUnavailable = errors.New("llm: endpoint unavailable")
	// ErrInvalidReply is returned when the reply was not JSON matching the
	// schema, twice.
	ErrInvalidReply = errors.New("llm: invalid reply")
	// ErrUngrounded is returned by Brief when the brief stated numbers or
	// names that are not in the article, twice. Use the offline brief.
	ErrUngrounded = errors.New("llm: brief not grounded in the article")
)

// ShouldFallBack reports whether err means the caller should produce this
// article with the offline engine now, rather than return the error to the
// runner: budget spent in offline mode, invalid or ungrounded replies, an
// unavailable endpoint. Errors carrying a stage.RetryAfter (rate limit,
// budget in wait mode) and context errors are for the runner.
func ShouldFallBack(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := stage.RetryDelay(err); ok {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	return errors.Is(err, ErrBudget) || errors.Is(err, ErrInvalidReply) ||
		errors.Is(err, ErrUngrounded) || errors.Is(err, ErrUnavailable)
}

// Usage is what one Entities or Brief call cost and what happened on the
// way.
type Usage struct {
	Model            string
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
	// Requests counts HTTP attempts; Calls counts model conversations turns
	// (1, or 2 after a corrective retry).
	Requests int
	Calls    int
	// RateLimited counts 429 answers.
	RateLimited int
	Cached      bool
	// DroppedUngrounded counts entities whose text was not in the article.
	DroppedUngrounded int
	// Notes says what happened: retries, truncation, grounding repairs.
	Notes []string
}

// LLM returns the usage in the brief's provenance format.
func (u Usage) LLM() *news.LLMUsage {
	return &news.LLMUsage{Model: u.Model, PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, CostUSD: u.CostUSD, Cached: u.Cached}
}

func (u *Usage) note(format string, args ...any) {
	u.Notes = append(u.Notes, fmt.Sprintf(format, args...))
}

// Options are the collaborators and knobs of a Client. The zero value of
// each field has a working default.
type Options struct {
	// Amount re-derives a numeric entity (value, currency, unit, ISO date)
	// from its grounded text span; the model's numbers are never used. Nil
	// leaves MONEY/PERCENT/QUANTITY/DATE entities without a value.
	Amount func(span, lang string) (news.Entity, bool)
	// Canonical maps a name and type to the canonical name and type
	// ("Amazon.com Inc." -> "Amazon", ORG). Nil keeps names as they are.
	Canonical func(name, typ string) (string, string)
	// Cache keeps validated replies; default an in-memory cache.
	Cache Cache
	// Ledger counts daily tokens; default an in-memory ledger.
	Ledger Ledger
	// HTTPClient replaces the client built from Config.Timeout.
	HTTPClient *http.Client
	// Now is the clock (tests).
	Now func() time.Time
	// Backoff is the first retry delay, doubled per retry with ±20% jitter
	// up to MaxBackoff; defaults 500ms and 8s.
	Backoff, MaxBackoff time.Duration
	// MaxInlineWait is the longest 429 Retry-After the client sleeps
	// through; longer waits are handed to the runner as stage.RetryAfter.
	// Default 5s.
	MaxInlineWait time.Duration
	// Seed asks for reproducible sampling; default 1. Temperature is left
	// to the server unless set (go-openai drops an explicit 0).
	Seed        int
	Temperature float32
	// MaxArticleTokens bounds the article text sent (≈4 bytes per token);
	// default 6000. Longer articles are cut at a paragraph boundary.
	MaxArticleTokens int
}

// Option sets an Option field.
type Option func(*Options)

// WithAmount sets Options.Amount.
func WithAmount(f func(span, lang string) (news.Entity, bool)) Option {
	return func(o *Options) { o.Amount = f }
}

// WithCanonical sets Options.Canonical.
func WithCanonical(f func(name, typ string) (string, string)) Option {
	return func(o *Options) { o.Canonical = f }
}

// WithCache sets Options.Cache.
func WithCache(c Cache) Option { return func(o *Options) { o.Cache = c } }

// WithLedger sets Options.Ledger.
func WithLedger(l Ledger) Option { return func(o *Options) { o.Ledger = l } }

// WithOptions replaces all options at once.
func WithOptions(v Options) Option { return func(o *Options) { *o = v } }

// Client calls an OpenAI-compatible chat completions endpoint with
// retries, a concurrency cap, a daily token budget and a reply cache. It is
// safe for concurrent use.
type Client struct {
	cfg    Config
	opt    Options
	api    *openai.Client
	sem    chan struct{}
	now    func() time.Time
	stores atomic.Pointer[stores]
}

// stores are the ledger and cache a Client uses; Share swaps them.
type stores struct {
	ldgr  Ledger
	cache Cache
}

func (c *Client) shared() *stores { return c.stores.Load() }

// Share makes the client count tokens in ledger and keep replies in cache
// (nil keeps the current one): package bus's NATS KV ledger and cache, so
// that every process shares one daily budget and one cache. Safe to call
// while the client is in use.
func (c *Client) Share(ledger Ledger, cache Cache) {
	cur := c.shared()
	next := &stores{ldgr: cur.ldgr, cache: cur.cache}
	if ledger != nil {
		next.ldgr = ledger
	}
	if cache != nil {
		next.cache = cache
	}
	c.stores.Store(next)
}

// New returns a client for cfg, or ErrDisabled when cfg is not Enabled.
func New(cfg Config, opts ...Option) (*Client, error) {
	if !cfg.Enabled() {
		return nil, fmt.Errorf("creating llm client: %w", ErrDisabled)
	}
	var o Options
	for _, f := range opts {
		f(&o)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.BudgetMode == "" {
		cfg.BudgetMode = BudgetWait
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.openai.com/v1"
	}
	if o.Cache == nil {
		o.Cache = NewMemoryCache(0)
	}
	if o.Ledger == nil {
		o.Ledger = NewMemoryLedger()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 8 * time.Second
	}
	if o.MaxInlineWait <= 0 {
		o.MaxInlineWait = 5 * time.Second
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.MaxArticleTokens <= 0 {
		o.MaxArticleTokens = DefaultMaxArticleTokens
	}
	hc := o.HTTPClient
	if hc == nil {
		// The per-attempt context is the real bound; the client timeout is
		// a backstop should a caller pass a context without a deadline.
		hc = &http.Client{Timeout: cfg.Timeout + time.Second}
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = headerDoer{hc}
	c := &Client{
		cfg: cfg,
		opt: o,
		api: openai.NewClientWithConfig(oc),
		sem: make(chan struct{}, cfg.Concurrency),
		now: o.Now,
	}
	c.stores.Store(&stores{ldgr: o.Ledger, cache: o.Cache})
	return c, nil
}

// Model returns the configured model name.
func (c *Client) Model() string { return c.cfg.Model }

// Config returns the client's config (with defaults applied).
func (c *Client) Config() Config { return c.cfg }

// attemptKey carries an *attempt through the request context so headerDoer
// can hand back the Retry-After header, which go-openai's errors drop.
type attemptKey struct{}

type attempt struct{ retryAfter time.Duration }

type headerDoer struct{ c *http.Client }

func (d headerDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if err == nil && resp.StatusCode >= 400 {
		if a, ok := req.Context().Value(attemptKey{}).(*attempt); ok {
			a.retryAfter = parseRetryAfter(resp.Header, time.Now())
		}
	}
	return resp, err
}

// parseRetryAfter reads retry-after-ms (OpenAI) or Retry-After in seconds
// or as an HTTP date. 0 means absent.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// reserve takes the call's estimated tokens from the day's budget before
// it starts, or refuses it once the day's tokens are spent. It returns the
// day and the tokens reserved, for settle.
func (c *Client) reserve(ctx context.Context, req openai.ChatCompletionRequest) (string, int64, error) {
	day, left := utcDay(c.now())
	if c.cfg.DailyTokens <= 0 {
		return day, 0, nil
	}
	est := estimateTokens(req)
	spent, ok, err := c.shared().ldgr.Reserve(ctx, day, est, c.cfg.DailyTokens)
	if err != nil {
		return day, 0, fmt.Errorf("reserving tokens in the ledger: %w", err)
	}
	if ok {
		return day, est, nil
	}
	if c.cfg.BudgetMode == BudgetOffline {
		return day, 0, fmt.Errorf("%w (%d of %d tokens on %s)", ErrBudget, spent, c.cfg.DailyTokens, day)
	}
	return day, 0, stage.RetryAfter(fmt.Errorf("%w (%d of %d tokens on %s)", ErrBudgetWait, spent, c.cfg.DailyTokens, day), left)
}

// settle replaces a reservation with what the call used.
func (c *Client) settle(day string, reserved int64, used int) {
	if c.cfg.DailyTokens <= 0 {
		return
	}
	if d := int64(used) - reserved; d != 0 {
		// Accounting must not fail a paid call, nor wait on its context.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.shared().ldgr.Add(ctx, day, d)
	}
}

// estimateTokens is what a request may cost: its messages at about four
// bytes a token, and the completion it allows (1024 if unbounded).
func estimateTokens(req openai.ChatCompletionRequest) int64 {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Content)/4 + 8
	}
	out := req.MaxCompletionTokens
	if out <= 0 {
		out = req.MaxTokens
	}
	if out <= 0 {
		out = 1024
	}
	return int64(n + out)
}

// complete sends one conversation turn with the inner retry loop and
// returns the reply text. Usage is updated with every attempt.
func (c *Client) complete(ctx context.Context, req openai.ChatCompletionRequest, u *Usage) (string, error) {
	day, reserved, err := c.reserve(ctx, req)
	if err != nil {
		return "", err
	}
	used := 0
	defer func() { c.settle(day, reserved, used) }()
	u.Calls++
	var lastErr error
	for try := 0; ; try++ {
		resp, a, err := c.attempt(ctx, req)
		u.Requests++
		if err == nil {
			u.PromptTokens += resp.Usage.PromptTokens
			u.CompletionTokens += resp.Usage.CompletionTokens
			u.CostUSD = Cost(c.cfg.Model, u.PromptTokens, u.CompletionTokens, c.cfg.Prices)
			used += resp.Usage.PromptTokens + resp.Usage.CompletionTokens
			if len(resp.Choices) == 0 {
				return "", fmt.Errorf("%w: no choices in the reply", ErrInvalidReply)
			}
			ch := resp.Choices[0]
			if ch.FinishReason == openai.FinishReasonLength {
				u.note("reply cut at the token limit")
			}
			if ch.Message.Refusal != "" && ch.Message.Content == "" {
				return "", fmt.Errorf("%w: model refused: %s", ErrInvalidReply, ch.Message.Refusal)
			}
			return ch.Message.Content, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("calling %s: %w", c.cfg.Model, ctx.Err())
		}
		status, retryable := classify(err)
		lastErr = err
		if status == http.StatusTooManyRequests {
			u.RateLimited++
			wait := a.retryAfter
			if wait > c.opt.MaxInlineWait || try >= c.cfg.Retries {
				if wait <= 0 {
					wait = stage.Backoff(try+1, stage.Policy{Base: c.opt.Backoff, Max: c.opt.MaxBackoff})
				}
				u.note("rate limited: retry after %s", wait.Round(time.Millisecond))
				return "", stage.RetryAfter(fmt.Errorf("%w: %s: %w", ErrRateLimited, c.cfg.Model, err), wait)
			}
			if wait <= 0 {
				wait = c.backoff(try)
			}
			u.note("rate limited: waited %s", wait.Round(time.Millisecond))
			if err := sleep(ctx, wait); err != nil {
				return "", fmt.Errorf("calling %s: %w", c.cfg.Model, err)
			}
			continue
		}
		if !retryable {
			return "", fmt.Errorf("%w: %s refused the request: %w", ErrUnavailable, c.cfg.Model, err)
		}
		if try >= c.cfg.Retries {
			break
		}
		u.note("attempt %d failed (%s), retrying", try+1, short(err))
		if err := sleep(ctx, c.backoff(try)); err != nil {
			return "", fmt.Errorf("calling %s: %w", c.cfg.Model, err)
		}
	}
	return "", fmt.Errorf("%w: %s after %d attempts: %w", ErrUnavailable, c.cfg.Model, c.cfg.Retries+1, lastErr)
}

// attempt is one HTTP request under the semaphore and the per-attempt
// timeout.
func (c *Client) attempt(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, *attempt, error) {
	a := &attempt{}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return openai.ChatCompletionResponse{}, a, ctx.Err()
	}
	defer func() { <-c.sem }()
	actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, a), c.cfg.Timeout)
	defer cancel()
	resp, err := c.api.CreateChatCompletion(actx, req)
	return resp, a, err
}

func (c *Client) backoff(try int) time.Duration {
	d := c.opt.Backoff
	for i := 0; i < try && d < c.opt.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.opt.MaxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// classify returns the HTTP status of err (0 if none) and whether another
// attempt may succeed: 408, 409, 429, 5xx, timeouts and connection errors.
func classify(err error) (int, bool) {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status := 0
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	if status != 0 {
		return status, status == 408 || status == 409 || status == 429 || status >= 500
	}
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return 0, true
	case errors.As(err, &netErr), errors.As(err, &urlErr):
		return 0, true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func short(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
