package llm

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    func(Config) error
		wantErr []string
	}{
		{"empty is disabled", nil, func(c Config) error {
			if c.Enabled() || c.Timeout != DefaultTimeout || c.Retries != 2 || c.Concurrency != 4 || c.BudgetMode != BudgetWait {
				return fmt.Errorf("defaults wrong: %v", c)
			}
			return nil
		}, nil},
		{"bare host gets /v1", map[string]string{"OPENAI_BASE_URL": "http://ollama:11434/", "NEWSBRIEF_LLM_MODEL": "qwen2.5"}, func(c Config) error {
			if c.BaseURL != "http://ollama:11434/v1" || !c.Enabled() || c.APIKey != "" {
				return fmt.Errorf("got %v", c)
			}
			return nil
		}, nil},
		{"key alone means OpenAI", map[string]string{"OPENAI_API_KEY": "sk-x", "NEWSBRIEF_LLM_MODEL": "gpt-4o-mini"}, func(c Config) error {
			if c.BaseURL != "https://api.openai.com/v1" || !c.Enabled() {
				return fmt.Errorf("got %v", c)
			}
			return nil
		}, nil},
		{"no model is disabled", map[string]string{"OPENAI_API_KEY": "sk-x"}, func(c Config) error {
			if c.Enabled() {
				return errors.New("enabled without a model")
			}
			return nil
		}, nil},
		{"all set", map[string]string{"OPENAI_BASE_URL": "https://example.com/api/v1", "NEWSBRIEF_LLM_MODEL": "m",
			"NEWSBRIEF_LLM_TIMEOUT": "90s", "NEWSBRIEF_LLM_RETRIES": "0", "NEWSBRIEF_LLM_CONCURRENCY": "16",
			"NEWSBRIEF_LLM_DAILY_TOKENS": "1000000", "NEWSBRIEF_LLM_BUDGET_MODE": "OFFLINE", "NEWSBRIEF_BRIEF_LANGUAGES": " it, en ,it",
			"NEWSBRIEF_LLM_PRICES": `{"m":{"prompt":1.5,"completion":3}}`}, func(c Config) error {
			if c.BaseURL != "https://example.com/api/v1" || c.Timeout != 90*time.Second || c.Retries != 0 || c.Concurrency != 16 ||
				c.DailyTokens != 1e6 || c.BudgetMode != BudgetOffline || fmt.Sprint(c.BriefLanguages) != "[it en]" || c.Prices["m"].Completion != 3 {
				return fmt.Errorf("got %v %v", c, c.Prices)
			}
			if got := fmt.Sprint(c.Translations("it")); got != "[en]" {
				return fmt.Errorf("Translations(it) = %s", got)
			}
			return nil
		}, nil},
		{"every problem at once", map[string]string{"OPENAI_BASE_URL": "ollama:11434", "NEWSBRIEF_LLM_TIMEOUT": "soon",
			"NEWSBRIEF_LLM_RETRIES": "-1", "NEWSBRIEF_LLM_CONCURRENCY": "0", "NEWSBRIEF_LLM_DAILY_TOKENS": "lots",
			"NEWSBRIEF_LLM_BUDGET_MODE": "pray", "NEWSBRIEF_BRIEF_LANGUAGES": "italian", "NEWSBRIEF_LLM_PRICES": `{"m":{"prompt":-1}}`},
			nil, []string{"OPENAI_BASE_URL", "TIMEOUT", "RETRIES", "CONCURRENCY", "DAILY_TOKENS", "BUDGET_MODE", "BRIEF_LANGUAGES", "PRICES"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr == nil && err != nil {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to mention %s", err, w)
				}
			}
			if tt.want != nil {
				if err := tt.want(c); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestConfigHidesKey(t *testing.T) {
	c := Config{BaseURL: "http://x/v1", APIKey: "sk-very-secret", Model: "m"}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "llm", c)
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), logged.String()} {
		if strings.Contains(s, "sk-very-secret") {
			t.Errorf("key leaked: %s", s)
		}
	}
	if !strings.Contains(logged.String(), `"api_key_set":true`) {
		t.Errorf("log lacks api_key_set: %s", logged.String())
	}
}
