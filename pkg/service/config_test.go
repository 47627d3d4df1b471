package service

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/language"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(nil), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.NATSAddr != "127.0.0.1:4222" || c.DataDir != "./data" || c.Workers != 8 ||
		c.MaxBytes != 1<<20 || strings.Join(c.Languages, ",") != "it,en" || c.EntitiesEngine != "auto" || c.Replicas != 1 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadFlagsOverrideEnv(t *testing.T) {
	c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), []string{"-workers", "6"},
		env(map[string]string{"NEWSBRIEF_WORKERS": "2", "NEWSBRIEF_LANGUAGES": " IT , en ,", "NATS_PASSWORD": "s3cret"}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if c.Workers != 6 || strings.Join(c.Languages, ",") != "it,en" || c.NATSPassword != "s3cret" {
		t.Errorf("config = %+v", c)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(map[string]string{
		"NEWSBRIEF_WORKERS": "zero", "NEWSBRIEF_MAX_BYTES": "10", "NEWSBRIEF_ENTITIES_ENGINE": "gpt",
		"NEWSBRIEF_LOG_LEVEL": "loud", "NEWSBRIEF_FETCH_TIMEOUT": "soon", "NEWSBRIEF_LANGUAGES": ",",
		// The LLM settings are checked with the rest (issue #18 item 15).
		"NEWSBRIEF_LLM_TIMEOUT": "later", "OPENAI_BASE_URL": "ftp://llm", "NEWSBRIEF_LLM_BUDGET_MODE": "spend",
	}), ":8080")
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"NEWSBRIEF_WORKERS", "NEWSBRIEF_MAX_BYTES", "NEWSBRIEF_ENTITIES_ENGINE", "NEWSBRIEF_LOG_LEVEL", "NEWSBRIEF_FETCH_TIMEOUT", "NEWSBRIEF_LANGUAGES",
		"NEWSBRIEF_LLM_TIMEOUT", "OPENAI_BASE_URL", "NEWSBRIEF_LLM_BUDGET_MODE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

// Every LLM setting but the API key is a flag, shown in -h, and a flag
// beats its environment variable; asking for the llm engine without an
// LLM is a configuration error.
func TestLLMSettingsAreFlags(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c, err := Load(fs, []string{"-llm-model", "qwen", "-openai-base-url", "http://llm.local:11434", "-llm-daily-tokens", "1000", "-brief-languages", "it,en"},
		env(map[string]string{"NEWSBRIEF_LLM_MODEL": "other", "NEWSBRIEF_LLM_BUDGET_MODE": "offline", "OPENAI_API_KEY": "k"}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	l := c.LLM
	if !l.Enabled() || l.Model != "qwen" || l.BaseURL != "http://llm.local:11434/v1" || l.DailyTokens != 1000 || l.BudgetMode != "offline" || l.APIKey != "k" || strings.Join(l.BriefLanguages, ",") != "it,en" {
		t.Errorf("LLM config = %v", l)
	}
	for _, name := range []string{"openai-base-url", "llm-model", "llm-timeout", "llm-retries", "llm-concurrency", "llm-daily-tokens", "llm-budget-mode", "llm-prices", "brief-languages"} {
		if fs.Lookup(name) == nil {
			t.Errorf("no -%s flag", name)
		}
	}
	if fs.Lookup("openai-api-key") != nil {
		t.Error("the API key is a flag: it would show in ps")
	}
	_, err = Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(map[string]string{"NEWSBRIEF_SUMMARY_ENGINE": "llm"}), ":8080")
	if err == nil || !strings.Contains(err.Error(), "NEWSBRIEF_SUMMARY_ENGINE=llm needs an LLM") {
		t.Errorf("llm engine without an LLM: %v", err)
	}
}

var update = flag.Bool("update", false, "rewrite the README's configuration table from Env")

// The README's configuration table is generated from Env; -update rewrites it.
func TestREADMEListsEverySetting(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin := strings.Index(string(readme), "<!-- env:begin")
	end := strings.Index(string(readme), "<!-- env:end -->")
	if begin < 0 || end < begin {
		t.Fatal("README lacks the <!-- env:begin --> … <!-- env:end --> markers")
	}
	begin += strings.Index(string(readme[begin:]), "\n") + 1
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, e := range Env {
		def := ""
		if e.Default != "" {
			def = "`" + e.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.Name, def, strings.ReplaceAll(e.Help, "|", "\\|"))
	}
	if *update {
		out := string(readme[:begin]) + b.String() + string(readme[end:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := string(readme[begin:end]); got != b.String() {
		t.Errorf("README configuration table is out of date: run go test ./pkg/service -run TestREADME -update")
	}
}

func TestFeedConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "feeds.txt")
	if err := os.WriteFile(file, []byte("# tech\nhttps://a.example/rss\n\n  http://b.example/atom  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, feeds, interval string
		want                  []string
		wantErr               string
	}{
		{"none", "", "", nil, ""},
		{"comma list", "https://a.example/rss, https://b.example/feed", "5m", []string{"https://a.example/rss", "https://b.example/feed"}, ""},
		{"file", "@" + file, "", []string{"https://a.example/rss", "http://b.example/atom"}, ""},
		{"missing file", "@/nonexistent/feeds", "", nil, "reading the feed list"},
		{"not a url", "a.example/rss", "", nil, "not http(s) URLs"},
		{"bad interval", "", "soon", nil, "NEWSBRIEF_FEEDS_INTERVAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"NEWSBRIEF_FEEDS": tt.feeds, "NEWSBRIEF_FEEDS_INTERVAL": tt.interval}
			c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }, ":0")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(c.Feeds, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got feeds %q, want %q", c.Feeds, tt.want)
			}
			if tt.interval == "" && c.FeedsInterval != 10*time.Minute {
				t.Errorf("default interval %s", c.FeedsInterval)
			}
		})
	}
}

func TestParseRateLimit(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    RateLimit
		wantErr bool
	}{
		{"", RateLimit{}, false},
		{"0", RateLimit{}, false},
		{"10/s", RateLimit{Per: 10, Burst: 20}, false},
		{"10/s:5", RateLimit{Per: 10, Burst: 5}, false},
		{"60/m", RateLimit{Per: 1, Burst: 120}, false},
		{"0.5/s", RateLimit{Per: 0.5, Burst: 1}, false},
		{"10", RateLimit{}, true},
		{"x/s", RateLimit{}, true},
		{"10/d", RateLimit{}, true},
		{"10/s:0", RateLimit{}, true},
		{"-1/s", RateLimit{}, true},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseRateLimit(c.in)
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("ParseRateLimit(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.wantErr)
			}
		})
	}
}

func TestLoadSecurityAndRecoverySettings(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }, "")
	}
	c, err := load(map[string]string{"NEWSBRIEF_ACK_WAIT": "5s", "NEWSBRIEF_FETCH_ALLOW_PRIVATE": "1", "NEWSBRIEF_RATE_LIMIT": "10/s:20", "NEWSBRIEF_TRUSTED_PROXIES": "10.0.0.0/8,127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "127.0.0.1/32" {
		t.Errorf("TrustedProxies = %v", c.TrustedProxies)
	}
	if c.AckWait != 5*time.Second || !c.FetchAllowPrivate || c.RateLimit != (RateLimit{10, 20}) {
		t.Errorf("got AckWait %s, FetchAllowPrivate %v, RateLimit %+v", c.AckWait, c.FetchAllowPrivate, c.RateLimit)
	}
	def, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if def.AckWait != 30*time.Second || def.FetchAllowPrivate || def.RateLimit != (RateLimit{}) {
		t.Errorf("defaults: AckWait %s, FetchAllowPrivate %v, RateLimit %+v", def.AckWait, def.FetchAllowPrivate, def.RateLimit)
	}
	_, err = load(map[string]string{"NEWSBRIEF_ACK_WAIT": "10ms", "NEWSBRIEF_FETCH_ALLOW_PRIVATE": "maybe", "NEWSBRIEF_RATE_LIMIT": "lots", "NEWSBRIEF_TRUSTED_PROXIES": "proxy.local"})
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for _, name := range []string{"NEWSBRIEF_ACK_WAIT", "NEWSBRIEF_FETCH_ALLOW_PRIVATE", "NEWSBRIEF_RATE_LIMIT", "NEWSBRIEF_TRUSTED_PROXIES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s (every problem is reported at once)", err, name)
		}
	}
}

func TestParseBytesAndDeadlines(t *testing.T) {
	for in, want := range map[string]int64{"4GiB": 4 << 30, "512MiB": 512 << 20, "1048576": 1 << 20, "1.5G": 3 << 29, "none": -1} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1GiB", "lots", "4XB"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
	dl, err := parseDeadlines("2m, summarise=10m")
	if err != nil || dl[""] != 2*time.Minute || dl["summarise"] != 10*time.Minute {
		t.Errorf("parseDeadlines = %v, %v", dl, err)
	}
	for _, bad := range []string{"soon", "summarise=", "x=10ms"} {
		if _, err := parseDeadlines(bad); err == nil {
			t.Errorf("parseDeadlines(%q) accepted", bad)
		}
	}
}

// TestLoadRejectsUnregisteredLanguage: a language without resources is a
// start-up error naming it, never Italian processing in disguise.
func TestLoadRejectsUnregisteredLanguage(t *testing.T) {
	_, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(map[string]string{"NEWSBRIEF_LANGUAGES": "it,en,fr"}), ":8080")
	if err == nil || !strings.Contains(err.Error(), `"fr": not in the registry`) || strings.Contains(err.Error(), `"it"`) {
		t.Fatalf("it,en,fr: err = %v", err)
	}
	for _, l := range []string{"it", "en"} {
		if err := language.Check([]string{l}, LanguageResources); err != nil {
			t.Errorf("%s lacks resources: %v", l, err)
		}
	}
}
