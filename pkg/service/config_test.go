package service

import (
	"flag"
	"os"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(nil), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.NATSAddr != "127.0.0.1:4222" || c.DataDir != "./data" || c.Workers != 4 ||
		c.MaxBytes != 1<<20 || strings.Join(c.Languages, ",") != "it,en" || c.EntitiesEngine != "auto" || c.Replicas != 1 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadFlagsOverrideEnv(t *testing.T) {
	c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), []string{"-workers", "8"},
		env(map[string]string{"NEWSBRIEF_WORKERS": "2", "NEWSBRIEF_LANGUAGES": " IT , en ,", "NATS_PASSWORD": "s3cret"}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if c.Workers != 8 || strings.Join(c.Languages, ",") != "it,en" || c.NATSPassword != "s3cret" {
		t.Errorf("config = %+v", c)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, env(map[string]string{
		"NEWSBRIEF_WORKERS": "zero", "NEWSBRIEF_MAX_BYTES": "10", "NEWSBRIEF_ENTITIES_ENGINE": "gpt",
		"NEWSBRIEF_LOG_LEVEL": "loud", "NEWSBRIEF_FETCH_TIMEOUT": "soon", "NEWSBRIEF_LANGUAGES": ",",
	}), ":8080")
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"NEWSBRIEF_WORKERS", "NEWSBRIEF_MAX_BYTES", "NEWSBRIEF_ENTITIES_ENGINE", "NEWSBRIEF_LOG_LEVEL", "NEWSBRIEF_FETCH_TIMEOUT", "NEWSBRIEF_LANGUAGES"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

// The README's configuration table must list every setting.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range Env {
		if !strings.Contains(string(readme), "| `"+e.Name+"` |") {
			t.Errorf("README configuration table lacks %s", e.Name)
		}
	}
}
