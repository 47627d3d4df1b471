package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Budget modes: what happens once the daily token budget is spent.
const (
	// BudgetWait makes calls return a stage.RetryAfter error that asks for a
	// redelivery at the next UTC midnight.
	BudgetWait = "wait"
	// BudgetOffline makes calls return ErrBudget, so the caller falls back
	// to the offline engine.
	BudgetOffline = "offline"
)

// Defaults for the settings read by ConfigFromEnv.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultRetries     = 2
	DefaultConcurrency = 4
)

// Config is how to reach an OpenAI-compatible endpoint and how much of it
// to use. Build it with ConfigFromEnv; the zero value is a disabled client.
//
// APIKey is a secret: String, GoString and LogValue never show it.
type Config struct {
	// BaseURL is the API root including its version path, e.g.
	// http://ollama:11434/v1. Empty with an APIKey means api.openai.com.
	BaseURL string
	// APIKey is sent as a bearer token; empty sends no Authorization header
	// (Ollama, vLLM and llama.cpp need none).
	APIKey string
	Model  string
	// Timeout bounds one attempt (one HTTP request).
	Timeout time.Duration
	// Retries is how many times one call is retried inside the client after
	// a 408/409/429/5xx or a connection error, before giving up.
	Retries int
	// Concurrency caps the requests in flight from this client.
	Concurrency int
	// DailyTokens caps prompt+completion tokens per UTC day; 0 is no cap.
	DailyTokens int64
	// BudgetMode is BudgetWait or BudgetOffline.
	BudgetMode string
	// BriefLanguages lists the languages briefs are written in besides the
	// article's own (e.g. ["it","en"]); see Translations.
	BriefLanguages []string
	// Prices overrides or extends the built-in price table (see price.go).
	Prices map[string]Price
}

// ConfigFromEnv reads the LLM settings from the environment through getenv
// (os.Getenv in main, a map in tests) and reports every problem at once.
//
//	OPENAI_BASE_URL            API root, e.g. http://localhost:11434/v1 ("/v1" is added to a bare host)
//	OPENAI_API_KEY             bearer token; empty sends no Authorization header
//	NEWSBRIEF_LLM_MODEL        model name; without it the LLM path is disabled
//	NEWSBRIEF_LLM_TIMEOUT      per attempt (Go duration), default 60s
//	NEWSBRIEF_LLM_RETRIES      inner retries per call, default 2
//	NEWSBRIEF_LLM_CONCURRENCY  requests in flight, default 4
//	NEWSBRIEF_LLM_DAILY_TOKENS token budget per UTC day, 0 (default) = unlimited
//	NEWSBRIEF_LLM_BUDGET_MODE  wait (default) or offline
//	NEWSBRIEF_BRIEF_LANGUAGES  comma list of brief languages, e.g. "it,en"
//	NEWSBRIEF_LLM_PRICES       JSON {"model":{"prompt":usd_per_1M,"completion":usd_per_1M}}
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		APIKey:      strings.TrimSpace(getenv("OPENAI_API_KEY")),
		Model:       strings.TrimSpace(getenv("NEWSBRIEF_LLM_MODEL")),
		Timeout:     DefaultTimeout,
		Retries:     DefaultRetries,
		Concurrency: DefaultConcurrency,
		BudgetMode:  BudgetWait,
	}
	var errs []error
	if v := strings.TrimSpace(getenv("OPENAI_BASE_URL")); v != "" {
		u, err := normaliseBaseURL(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OPENAI_BASE_URL: %w", err))
		}
		c.BaseURL = u
	}
	if v := strings.TrimSpace(getenv("NEWSBRIEF_LLM_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("NEWSBRIEF_LLM_TIMEOUT: %w", err))
		case d <= 0:
			errs = append(errs, fmt.Errorf("NEWSBRIEF_LLM_TIMEOUT: %s is not positive", v))
		default:
			c.Timeout = d
		}
	}
	intVar := func(name string, min int64, dst func(int64)) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %q is not an integer", name, v))
		case n < min:
			errs = append(errs, fmt.Errorf("%s: %d is below %d", name, n, min))
		default:
			dst(n)
		}
	}
	intVar("NEWSBRIEF_LLM_RETRIES", 0, func(n int64) { c.Retries = int(min(n, 10)) })
	intVar("NEWSBRIEF_LLM_CONCURRENCY", 1, func(n int64) { c.Concurrency = int(min(n, 1024)) })
	intVar("NEWSBRIEF_LLM_DAILY_TOKENS", 0, func(n int64) { c.DailyTokens = n })
	if v := strings.ToLower(strings.TrimSpace(getenv("NEWSBRIEF_LLM_BUDGET_MODE"))); v != "" {
		if v != BudgetWait && v != BudgetOffline {
			errs = append(errs, fmt.Errorf("NEWSBRIEF_LLM_BUDGET_MODE: %q is not %q or %q", v, BudgetWait, BudgetOffline))
		} else {
			c.BudgetMode = v
		}
	}
	for _, l := range strings.Split(getenv("NEWSBRIEF_BRIEF_LANGUAGES"), ",") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if !isLangCode(l) {
			errs = append(errs, fmt.Errorf("NEWSBRIEF_BRIEF_LANGUAGES: %q is not a language code", l))
			continue
		}
		if !contains(c.BriefLanguages, l) {
			c.BriefLanguages = append(c.BriefLanguages, l)
		}
	}
	if v := strings.TrimSpace(getenv("NEWSBRIEF_LLM_PRICES")); v != "" {
		p, err := ParsePrices([]byte(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("NEWSBRIEF_LLM_PRICES: %w", err))
		}
		c.Prices = p
	}
	if c.BaseURL == "" && c.APIKey != "" {
		c.BaseURL = "https://api.openai.com/v1"
	}
	return c, errors.Join(errs...)
}

// normaliseBaseURL checks an API root and adds "/v1" to a bare host, the
// usual mistake: go-openai appends "/chat/completions" to BaseURL as is, and
// Ollama, vLLM and llama.cpp answer 404 without the version path. A URL that
// already has a path (e.g. ".../v1beta/openai") is kept.
func normaliseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q: scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return "", fmt.Errorf("%q: no host", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/v1"
	}
	return u.String(), nil
}

func isLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Enabled reports whether the LLM path is configured: an endpoint (base URL
// or API key) and a model.
func (c Config) Enabled() bool {
	return (c.BaseURL != "" || c.APIKey != "") && c.Model != ""
}

// Translations returns the brief languages other than lang: the languages
// a caller should ask Brief for with OutLang set.
func (c Config) Translations(lang string) []string {
	var out []string
	for _, l := range c.BriefLanguages {
		if l != lang {
			out = append(out, l)
		}
	}
	return out
}

// String describes the config without the API key.
func (c Config) String() string {
	key := "none"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("llm{base_url=%s model=%s key=%s timeout=%s retries=%d concurrency=%d daily_tokens=%d budget_mode=%s brief_languages=%s}",
		c.BaseURL, c.Model, key, c.Timeout, c.Retries, c.Concurrency, c.DailyTokens, c.BudgetMode, strings.Join(c.BriefLanguages, ","))
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog from printing the key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.Bool("api_key_set", c.APIKey != ""),
		slog.Duration("timeout", c.Timeout),
		slog.Int("retries", c.Retries),
		slog.Int("concurrency", c.Concurrency),
		slog.Int64("daily_tokens", c.DailyTokens),
		slog.String("budget_mode", c.BudgetMode),
		slog.String("brief_languages", strings.Join(c.BriefLanguages, ",")),
	)
}

// ParsePrices reads a price table in the NEWSBRIEF_LLM_PRICES format.
func ParsePrices(data []byte) (map[string]Price, error) {
	var p map[string]Price
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decoding price table: %w", err)
	}
	for m, v := range p {
		if m == "" || v.Prompt < 0 || v.Completion < 0 {
			return nil, fmt.Errorf("price of %q: model must be named and prices not negative", m)
		}
	}
	return p, nil
}
