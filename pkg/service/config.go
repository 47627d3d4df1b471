// Package service is the wiring shared by the worker binaries and the
// all-in-one server: configuration from flags and environment, logging,
// running a stage on the bus, HTTP serving with health and shutdown.
// It holds no stage logic of its own.
package service

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/llm"
)

// Config is every setting, read by Load from flags with environment
// defaults. Shared settings are unprefixed (NATS_URL), the rest NEWSBRIEF_.
type Config struct {
	NATSURL      string
	NATSUser     string
	NATSPassword string
	NATSCreds    string
	NATSCA       string
	NATSCert     string
	NATSKey      string
	// NATSInboxPrefix replaces _INBOX for replies (NATS_INBOX_PREFIX).
	NATSInboxPrefix string
	Replicas        int

	DataDir   string // embedded server's store (all-in-one)
	NATSAddr  string // embedded server's listen address
	HTTPAddr  string
	Languages []string
	Workers   int
	MaxBytes  int
	APIToken  string
	LogLevel  string
	LogFormat string

	EntitiesEngine string // auto, offline, llm
	SummaryEngine  string // auto, offline, llm
	FetchTimeout   time.Duration

	PublicURL     string        // absolute base URL for feed links
	Feeds         []string      // RSS/Atom feeds to poll
	FeedsInterval time.Duration // how often
	Inbox         string        // directory watched for article files
	// FetchAllowPrivate lets the URL fetcher reach loopback, private and
	// link-local addresses (tests, or a trusted intranet).
	FetchAllowPrivate bool
	// AckWait is how long NATS waits for a stage's ack before redelivering
	// (a running stage extends it); it bounds recovery after a crash.
	AckWait time.Duration
	// RateLimit is the per-client-IP limit on POST requests; zero is none.
	RateLimit RateLimit
	// TrustedProxies are reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// StoryWindow is how far back in article time the cluster stage looks
	// for a story to join, and how long the gateway keeps stories in view.
	StoryWindow time.Duration
	// DBURL, a postgres:// URL, puts the gateway's read model in PostgreSQL
	// (shared by every gateway); empty: an embedded store under DataDir.
	DBURL string
	// Retention, if positive, is how long briefs are kept, in the briefs
	// bucket and the read model; zero keeps them for ever.
	Retention time.Duration
	// BindOnly: never create or update streams and buckets, only bind to
	// them (`newsbrief setup` declares them with the ops credential).
	BindOnly bool
	// StageDeadlines bound one call of a stage, by name ("" = the others).
	StageDeadlines map[string]time.Duration
	// StoreMaxBytes bounds the streams and buckets together (bus.Config).
	StoreMaxBytes int64

	// LLM is the OpenAI-compatible endpoint and its limits, from the llm-*
	// flags and their environment variables (the API key only from the
	// environment); the zero value is the offline engines only.
	LLM llm.Config
}

// Env lists every environment variable Load reads, with its default and
// meaning: the README's configuration table is this list.
var Env = []struct{ Name, Default, Help string }{
	{"NATS_URL", "", "NATS server URL(s), comma-separated; empty in `newsbrief serve` = embedded server"},
	{"NATS_USER", "", "NATS user name (the embedded server's user when it has a password: default newsbrief)"},
	{"NATS_PASSWORD", "", "NATS password (never logged); set in `newsbrief serve`, the embedded server requires it"},
	{"NATS_CREDS", "", "path to a NATS .creds file (JWT + nkey)"},
	{"NATS_CA", "", "PEM CA file to verify the NATS server's TLS certificate"},
	{"NATS_CERT", "", "client certificate for mutual TLS"},
	{"NATS_KEY", "", "client key for mutual TLS"},
	{"NATS_INBOX_PREFIX", "", "prefix of reply subjects instead of _INBOX, for a NATS user that may read only its own replies (the producer: _INBOX_producer)"},
	{"NEWSBRIEF_REPLICAS", "1", "replicas of each stream and KV bucket (3 on a 3-node cluster)"},
	{"NEWSBRIEF_DATA", "./data", "embedded NATS server's JetStream store, and the gateway's embedded read model (readmodel/)"},
	{"NEWSBRIEF_DB_URL", "", "postgres://… URL: the gateways' read model in PostgreSQL, shared by all of them (never logged); empty: embedded SQLite under NEWSBRIEF_DATA"},
	{"NEWSBRIEF_RETENTION", "", "how long briefs are kept (e.g. 90d, 2160h), in the briefs bucket and the read model; empty: for ever"},
	{"NEWSBRIEF_NATS_ADDR", "127.0.0.1:4222", "embedded NATS server's listen address; a non-loopback one is refused unless the server has a password"},
	{"NEWSBRIEF_HTTP_ADDR", "127.0.0.1:8080", "HTTP address of `newsbrief serve`: loopback by default, `:8080` exposes it (then set NEWSBRIEF_API_TOKEN); the gateway binary defaults to :8080, the workers serve /healthz and /metrics on :9090"},
	{"NEWSBRIEF_LANGUAGES", "it,en", "languages briefed; others are rejected"},
	{"NEWSBRIEF_WORKERS", "8", "messages processed at once by each stage"},
	{"NEWSBRIEF_MAX_BYTES", "1048576", "largest article body accepted, in bytes"},
	{"NEWSBRIEF_API_TOKEN", "", "bearer token required on write endpoints (empty: none); also the embedded NATS server's password when NATS_PASSWORD is empty"},
	{"NEWSBRIEF_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"NEWSBRIEF_LOG_FORMAT", "json", "json or text"},
	{"NEWSBRIEF_ENTITIES_ENGINE", "auto", "auto (LLM when configured), offline or llm"},
	{"NEWSBRIEF_SUMMARY_ENGINE", "auto", "auto (LLM when configured), offline or llm"},
	{"NEWSBRIEF_FETCH_TIMEOUT", "15s", "timeout for fetching a submitted URL"},
	{"NEWSBRIEF_URL", "http://127.0.0.1:8080", "where the CLI client commands find the HTTP API"},
	// Read by package llm (see pkg/llm/config.go).
	{"OPENAI_BASE_URL", "", "OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama); /v1 is added to a bare host"},
	{"OPENAI_API_KEY", "", "API key; empty sends no Authorization header (local servers)"},
	{"NEWSBRIEF_LLM_MODEL", "", "model name; the LLM path is on when a model and an endpoint or key are set"},
	{"NEWSBRIEF_LLM_TIMEOUT", "60s", "timeout of one LLM request"},
	{"NEWSBRIEF_LLM_RETRIES", "2", "retries of one LLM request (408/409/429/5xx, network)"},
	{"NEWSBRIEF_LLM_CONCURRENCY", "4", "LLM requests in flight per process"},
	{"NEWSBRIEF_LLM_DAILY_TOKENS", "0", "token budget per UTC day, 0 = unlimited"},
	{"NEWSBRIEF_LLM_BUDGET_MODE", "wait", "when the budget is spent: wait (articles wait for the next day) or offline (fall back)"},
	{"NEWSBRIEF_LLM_PRICES", "", `JSON price override {"model":{"prompt":usd_per_1M,"completion":usd_per_1M}}`},
	{"NEWSBRIEF_BRIEF_LANGUAGES", "", "extra brief languages written by the LLM, e.g. it,en (translations)"},
	{"NEWSBRIEF_PUBLIC_URL", "", "absolute base URL of the web pages, for links in /feed.xml and /feed.json (empty: from the request's Host)"},
	{"NEWSBRIEF_FEEDS", "", "RSS/Atom feeds to poll: comma-separated URLs, or @FILE with one URL per line (gateway and serve)"},
	{"NEWSBRIEF_FEEDS_INTERVAL", "10m", "how often each feed is polled (conditional GET)"},
	{"NEWSBRIEF_INBOX", "", "directory watched for article files (.txt, .html, .json); submitted ones move to done/, bad ones to failed/"},
	{"NEWSBRIEF_FETCH_ALLOW_PRIVATE", "", "1 lets submitted URLs reach loopback, private and link-local addresses (refused by default: SSRF)"},
	{"NEWSBRIEF_ACK_WAIT", "30s", "how long NATS waits for a stage's ack before redelivering; bounds recovery after a crash"},
	{"NEWSBRIEF_RATE_LIMIT", "", "per-client-IP limit on POST requests, e.g. 10/s or 10/s:20 (burst 20; default burst 2×rate); empty: none"},
	{"NEWSBRIEF_STORY_WINDOW", "168h", "how far back in article time the cluster stage looks for a story to join (and the gateway keeps stories in view)"},
	{"NEWSBRIEF_STAGE_DEADLINE", "5m", "longest one call of a stage may run before its message is redelivered (a hung stage ends in the DLQ after the retries): a duration, and/or stage=duration pairs, e.g. 2m,summarise=10m"},
	{"NEWSBRIEF_STORE_MAX_BYTES", "4GiB", "disk the streams and KV buckets may use together (NEWS 40%, briefs 40%, DLQ 10%, articles 8%, generations and feeds 1% each); a full one refuses new messages; none: no limit"},
	{"NEWSBRIEF_BIND_ONLY", "", "1: never create or update streams and KV buckets, wait for them (`newsbrief setup` or `<worker> setup` declares them with the ops credential); for least-privilege NATS users"},
	{"NEWSBRIEF_TRUSTED_PROXIES", "", "reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client for the rate limit; empty: the peer address counts"},
}

// llmSettings are the LLM settings that have flags: all but the API key,
// a secret read only from the environment.
var llmSettings = []struct{ flag, env, help string }{
	{"openai-base-url", "OPENAI_BASE_URL", "OpenAI-compatible endpoint, e.g. http://localhost:11434/v1"},
	{"llm-model", "NEWSBRIEF_LLM_MODEL", "LLM model; with an endpoint or OPENAI_API_KEY it turns the LLM path on"},
	{"llm-timeout", "NEWSBRIEF_LLM_TIMEOUT", "timeout of one LLM request (default 60s)"},
	{"llm-retries", "NEWSBRIEF_LLM_RETRIES", "retries of one LLM request (default 2)"},
	{"llm-concurrency", "NEWSBRIEF_LLM_CONCURRENCY", "LLM requests in flight per process (default 4)"},
	{"llm-daily-tokens", "NEWSBRIEF_LLM_DAILY_TOKENS", "LLM token budget per UTC day, 0 = unlimited"},
	{"llm-budget-mode", "NEWSBRIEF_LLM_BUDGET_MODE", "when the budget is spent: wait or offline (default wait)"},
	{"llm-prices", "NEWSBRIEF_LLM_PRICES", "JSON price override"},
	{"brief-languages", "NEWSBRIEF_BRIEF_LANGUAGES", "extra brief languages written by the LLM, e.g. it,en"},
}

// Load reads flags from args with defaults from getenv. Every problem is
// reported at once. httpDefault is the HTTP address when none is set.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string, httpDefault string) (Config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c Config
	var langs, workers, maxBytes, replicas, fetchTimeout, feeds, feedsInterval, ackWait, rateLimit, allowPrivate, proxies, bindOnly, deadlines, storeMax, retention, storyWindow string
	fs.StringVar(&c.NATSURL, "nats-url", env("NATS_URL", ""), "NATS server URL(s) [NATS_URL]")
	fs.StringVar(&c.NATSUser, "nats-user", env("NATS_USER", ""), "NATS user [NATS_USER]")
	fs.StringVar(&c.NATSCreds, "nats-creds", env("NATS_CREDS", ""), "NATS .creds file [NATS_CREDS]")
	fs.StringVar(&c.NATSCA, "nats-ca", env("NATS_CA", ""), "NATS TLS CA [NATS_CA]")
	fs.StringVar(&c.NATSCert, "nats-cert", env("NATS_CERT", ""), "NATS TLS client cert [NATS_CERT]")
	fs.StringVar(&c.NATSKey, "nats-key", env("NATS_KEY", ""), "NATS TLS client key [NATS_KEY]")
	fs.StringVar(&c.NATSInboxPrefix, "nats-inbox-prefix", env("NATS_INBOX_PREFIX", ""), "reply subject prefix [NATS_INBOX_PREFIX]")
	fs.StringVar(&replicas, "replicas", env("NEWSBRIEF_REPLICAS", "1"), "stream replicas [NEWSBRIEF_REPLICAS]")
	fs.StringVar(&c.DataDir, "data", env("NEWSBRIEF_DATA", "./data"), "embedded NATS store directory [NEWSBRIEF_DATA]")
	fs.StringVar(&c.NATSAddr, "nats-addr", env("NEWSBRIEF_NATS_ADDR", "127.0.0.1:4222"), "embedded NATS listen address [NEWSBRIEF_NATS_ADDR]")
	fs.StringVar(&c.HTTPAddr, "http-addr", env("NEWSBRIEF_HTTP_ADDR", httpDefault), "HTTP listen address [NEWSBRIEF_HTTP_ADDR]")
	fs.StringVar(&langs, "languages", env("NEWSBRIEF_LANGUAGES", "it,en"), "supported languages [NEWSBRIEF_LANGUAGES]")
	fs.StringVar(&workers, "workers", env("NEWSBRIEF_WORKERS", "8"), "concurrent messages per stage [NEWSBRIEF_WORKERS]")
	fs.StringVar(&maxBytes, "max-bytes", env("NEWSBRIEF_MAX_BYTES", "1048576"), "largest body accepted [NEWSBRIEF_MAX_BYTES]")
	fs.StringVar(&c.LogLevel, "log-level", env("NEWSBRIEF_LOG_LEVEL", "info"), "log level [NEWSBRIEF_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", env("NEWSBRIEF_LOG_FORMAT", "json"), "log format: json or text [NEWSBRIEF_LOG_FORMAT]")
	fs.StringVar(&c.EntitiesEngine, "entities-engine", env("NEWSBRIEF_ENTITIES_ENGINE", "auto"), "auto, offline or llm [NEWSBRIEF_ENTITIES_ENGINE]")
	fs.StringVar(&c.SummaryEngine, "summary-engine", env("NEWSBRIEF_SUMMARY_ENGINE", "auto"), "auto, offline or llm [NEWSBRIEF_SUMMARY_ENGINE]")
	fs.StringVar(&fetchTimeout, "fetch-timeout", env("NEWSBRIEF_FETCH_TIMEOUT", "15s"), "URL fetch timeout [NEWSBRIEF_FETCH_TIMEOUT]")
	fs.StringVar(&c.PublicURL, "public-url", env("NEWSBRIEF_PUBLIC_URL", ""), "absolute base URL for feed links [NEWSBRIEF_PUBLIC_URL]")
	fs.StringVar(&feeds, "feeds", env("NEWSBRIEF_FEEDS", ""), "feeds to poll: URLs, comma-separated, or @FILE [NEWSBRIEF_FEEDS]")
	fs.StringVar(&feedsInterval, "feeds-interval", env("NEWSBRIEF_FEEDS_INTERVAL", "10m"), "feed poll interval [NEWSBRIEF_FEEDS_INTERVAL]")
	fs.StringVar(&c.Inbox, "inbox", env("NEWSBRIEF_INBOX", ""), "directory watched for article files [NEWSBRIEF_INBOX]")
	fs.StringVar(&allowPrivate, "fetch-allow-private", env("NEWSBRIEF_FETCH_ALLOW_PRIVATE", ""), "let URL fetches reach private addresses [NEWSBRIEF_FETCH_ALLOW_PRIVATE]")
	fs.StringVar(&ackWait, "ack-wait", env("NEWSBRIEF_ACK_WAIT", "30s"), "redelivery delay for unacked messages [NEWSBRIEF_ACK_WAIT]")
	fs.StringVar(&rateLimit, "rate-limit", env("NEWSBRIEF_RATE_LIMIT", ""), "per-IP POST rate limit, e.g. 10/s:20 [NEWSBRIEF_RATE_LIMIT]")
	fs.StringVar(&retention, "retention", env("NEWSBRIEF_RETENTION", ""), "how long briefs are kept, e.g. 90d [NEWSBRIEF_RETENTION]")
	fs.StringVar(&deadlines, "stage-deadline", env("NEWSBRIEF_STAGE_DEADLINE", "5m"), "per-message stage deadline: 5m or 2m,summarise=10m [NEWSBRIEF_STAGE_DEADLINE]")
	fs.StringVar(&storeMax, "store-max-bytes", env("NEWSBRIEF_STORE_MAX_BYTES", "4GiB"), "disk for streams and buckets, e.g. 4GiB or none [NEWSBRIEF_STORE_MAX_BYTES]")
	fs.StringVar(&bindOnly, "bind-only", env("NEWSBRIEF_BIND_ONLY", ""), "never create or update streams and buckets [NEWSBRIEF_BIND_ONLY]")
	fs.StringVar(&proxies, "trusted-proxies", env("NEWSBRIEF_TRUSTED_PROXIES", ""), "proxies whose X-Forwarded-For is believed [NEWSBRIEF_TRUSTED_PROXIES]")
	fs.StringVar(&storyWindow, "story-window", env("NEWSBRIEF_STORY_WINDOW", "168h"), "story clustering window [NEWSBRIEF_STORY_WINDOW]")
	// The LLM settings are flags too; package llm reads them by their
	// environment names, so the flags are handed to it as an environment.
	llmFlags := map[string]*string{}
	for _, f := range llmSettings {
		v := new(string)
		fs.StringVar(v, f.flag, env(f.env, ""), f.help+" ["+f.env+"]")
		llmFlags[f.env] = v
	}
	// Secrets only from the environment, so they never show in ps.
	c.NATSPassword = getenv("NATS_PASSWORD")
	c.APIToken = getenv("NEWSBRIEF_API_TOKEN")
	c.DBURL = getenv("NEWSBRIEF_DB_URL")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var errs []error
	lc, err := llm.ConfigFromEnv(func(name string) string {
		if v, ok := llmFlags[name]; ok {
			return *v
		}
		return getenv(name) // OPENAI_API_KEY
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("LLM configuration: %w", err))
	}
	c.LLM = lc
	num := func(name, v string, min int) int {
		n, err := strconv.Atoi(v)
		if err != nil || n < min {
			errs = append(errs, fmt.Errorf("%s must be a whole number ≥ %d, not %q", name, min, v))
		}
		return n
	}
	c.Workers = num("NEWSBRIEF_WORKERS", workers, 1)
	c.MaxBytes = num("NEWSBRIEF_MAX_BYTES", maxBytes, 1024)
	c.Replicas = num("NEWSBRIEF_REPLICAS", replicas, 1)
	d, err := time.ParseDuration(fetchTimeout)
	if err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_FETCH_TIMEOUT must be a duration like 15s, not %q", fetchTimeout))
	}
	c.FetchTimeout = d
	if fi, err := time.ParseDuration(feedsInterval); err != nil || fi < time.Second {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_FEEDS_INTERVAL must be a duration of at least 1s, like 10m, not %q", feedsInterval))
	} else {
		c.FeedsInterval = fi
	}
	if list, err := feedList(feeds); err != nil {
		errs = append(errs, err)
	} else {
		c.Feeds = list
	}
	if d, err := time.ParseDuration(ackWait); err != nil || d < time.Second {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_ACK_WAIT must be a duration of at least 1s, not %q", ackWait))
	} else {
		c.AckWait = d
	}
	if d, err := time.ParseDuration(storyWindow); err != nil || d < time.Hour {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_STORY_WINDOW must be a duration of at least 1h, like 168h, not %q", storyWindow))
	} else {
		c.StoryWindow = d
	}
	c.FetchAllowPrivate = boolSetting("NEWSBRIEF_FETCH_ALLOW_PRIVATE", allowPrivate, &errs)
	c.BindOnly = boolSetting("NEWSBRIEF_BIND_ONLY", bindOnly, &errs)
	if n, err := parseBytes(storeMax); err != nil {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_STORE_MAX_BYTES: %w", err))
	} else {
		c.StoreMaxBytes = n
	}
	if dl, err := parseDeadlines(deadlines); err != nil {
		errs = append(errs, err)
	} else {
		c.StageDeadlines = dl
	}
	if rl, err := ParseRateLimit(rateLimit); err != nil {
		errs = append(errs, err)
	} else {
		c.RateLimit = rl
	}
	if d, err := parseAge(retention); err != nil {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_RETENTION must be a duration like 90d or 2160h, not %q", retention))
	} else {
		c.Retention = d
	}
	if c.DBURL != "" && !strings.HasPrefix(c.DBURL, "postgres://") && !strings.HasPrefix(c.DBURL, "postgresql://") {
		errs = append(errs, errors.New("NEWSBRIEF_DB_URL must be a postgres:// URL"))
	}
	if tp, err := gateway.ParseProxies(proxies); err != nil {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_TRUSTED_PROXIES: %w", err))
	} else {
		c.TrustedProxies = tp
	}
	for _, l := range strings.Split(langs, ",") {
		if l = strings.TrimSpace(strings.ToLower(l)); l != "" {
			c.Languages = append(c.Languages, l)
		}
	}
	if len(c.Languages) == 0 {
		errs = append(errs, errors.New("NEWSBRIEF_LANGUAGES names no language"))
	}
	if err := language.Check(c.Languages, LanguageResources); err != nil {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_LANGUAGES: %w", err))
	}
	for _, e := range []struct{ name, v string }{{"NEWSBRIEF_ENTITIES_ENGINE", c.EntitiesEngine}, {"NEWSBRIEF_SUMMARY_ENGINE", c.SummaryEngine}} {
		switch {
		case e.v != "auto" && e.v != "offline" && e.v != "llm":
			errs = append(errs, fmt.Errorf("%s must be auto, offline or llm, not %q", e.name, e.v))
		case e.v == "llm" && err == nil && !lc.Enabled():
			errs = append(errs, fmt.Errorf("%s=llm needs an LLM: set OPENAI_BASE_URL or OPENAI_API_KEY, and NEWSBRIEF_LLM_MODEL", e.name))
		}
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("NEWSBRIEF_LOG_FORMAT must be json or text, not %q", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// parseAge reads a duration that may also be whole days ("90d"); empty is
// zero.
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 {
			return 0, errors.New("bad days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute {
		return 0, errors.New("bad duration")
	}
	return d, nil
}

// boolSetting reads a 1/0 setting, adding a problem to errs.
func boolSetting(name, v string, errs *[]error) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no":
		return false
	case "1", "true", "yes":
		return true
	}
	*errs = append(*errs, fmt.Errorf("%s must be 1 or 0, not %q", name, v))
	return false
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("NEWSBRIEF_LOG_LEVEL must be debug, info, warn or error, not %q", s)
	}
	return l, nil
}

// Logger returns the structured logger the config asks for, writing to w.
func (c Config) Logger(w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	lvl, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// feedList reads NEWSBRIEF_FEEDS: comma-separated URLs, or @FILE with one
// URL per line (blank lines and # comments ignored).
func feedList(v string) ([]string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	var items []string
	if name, ok := strings.CutPrefix(v, "@"); ok {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("NEWSBRIEF_FEEDS: reading the feed list: %w", err)
		}
		items = strings.Split(string(data), "\n")
	} else {
		items = strings.Split(v, ",")
	}
	var out []string
	var bad []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" || strings.HasPrefix(it, "#") {
			continue
		}
		if !strings.HasPrefix(it, "http://") && !strings.HasPrefix(it, "https://") {
			bad = append(bad, it)
			continue
		}
		out = append(out, it)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("NEWSBRIEF_FEEDS: not http(s) URLs: %s", strings.Join(bad, ", "))
	}
	return out, nil
}

// RateLimit is a token bucket: Per requests per second, bursts of Burst.
type RateLimit struct {
	Per   float64
	Burst int
}

// ParseRateLimit reads "N/s", "N/m" or "N/h", optionally with ":BURST"
// ("10/s:20"). The default burst is twice the rate, at least 1. An empty
// string is no limit.
func ParseRateLimit(s string) (RateLimit, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return RateLimit{}, nil
	}
	bad := fmt.Errorf("NEWSBRIEF_RATE_LIMIT must look like 10/s or 10/s:20, not %q", s)
	spec, burstStr, hasBurst := strings.Cut(s, ":")
	num, unit, ok := strings.Cut(spec, "/")
	if !ok {
		return RateLimit{}, bad
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 {
		return RateLimit{}, bad
	}
	var per float64
	switch strings.TrimSpace(unit) {
	case "s":
		per = n
	case "m":
		per = n / 60
	case "h":
		per = n / 3600
	default:
		return RateLimit{}, bad
	}
	burst := max(int(2*n), 1)
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burstStr))
		if err != nil || b < 1 {
			return RateLimit{}, bad
		}
		burst = b
	}
	return RateLimit{Per: per, Burst: burst}, nil
}

// EmbeddedAuth returns the credentials of the all-in-one's embedded NATS
// server: NATS_USER (default "newsbrief") with NATS_PASSWORD, else with
// NEWSBRIEF_API_TOKEN as the password, so that setting the API token also
// closes the NATS door that would bypass it. No password (neither is set)
// is an open server, which bus.StartServer allows on loopback only. The
// local tools (dlq, reprocess, audit) log in with the same.
func (c Config) EmbeddedAuth() (user, password string, err error) {
	if c.NATSCreds != "" {
		return "", "", errors.New("NATS_CREDS names a JWT credential for an external server; the embedded server takes NATS_USER and NATS_PASSWORD (or NEWSBRIEF_API_TOKEN)")
	}
	password = c.NATSPassword
	if password == "" {
		password = c.APIToken
	}
	if password == "" {
		return "", "", nil
	}
	user = c.NATSUser
	if user == "" {
		user = "newsbrief"
	}
	return user, password, nil
}

// parseDeadlines reads NEWSBRIEF_STAGE_DEADLINE: comma-separated items,
// each a duration (the default of every stage) or stage=duration.
func parseDeadlines(v string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, val, named := strings.Cut(item, "=")
		if !named {
			name, val = "", item
		}
		d, err := time.ParseDuration(strings.TrimSpace(val))
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("NEWSBRIEF_STAGE_DEADLINE: %q must be a duration of at least 1s, or stage=duration", item)
		}
		out[strings.TrimSpace(name)] = d
	}
	return out, nil
}

// parseBytes reads a size: bytes, or a number with KiB, MiB, GiB or TiB
// (KB, MB, GB, TB taken as the same powers of two); "none" is -1 (no limit).
func parseBytes(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "none") {
		return -1, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix []string
		mult   int64
	}{{[]string{"TiB", "TB", "T"}, 1 << 40}, {[]string{"GiB", "GB", "G"}, 1 << 30}, {[]string{"MiB", "MB", "M"}, 1 << 20}, {[]string{"KiB", "KB", "K"}, 1 << 10}} {
		found := false
		for _, sfx := range u.suffix {
			if len(v) > len(sfx) && strings.EqualFold(v[len(v)-len(sfx):], sfx) {
				v, mult, found = strings.TrimSpace(v[:len(v)-len(sfx)]), u.mult, true
				break
			}
		}
		if found {
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 1 || n*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("%q must be a size like 4GiB or 512MiB, or none", v)
	}
	return int64(n * float64(mult)), nil
}
