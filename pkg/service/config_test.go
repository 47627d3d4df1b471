package service

import (
	"flag"
	"strings"
	"testing"
	"time"
)

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
	c, err := load(map[string]string{"NEWSBRIEF_ACK_WAIT": "5s", "NEWSBRIEF_FETCH_ALLOW_PRIVATE": "1", "NEWSBRIEF_RATE_LIMIT": "10/s:20"})
	if err != nil {
		t.Fatal(err)
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
	_, err = load(map[string]string{"NEWSBRIEF_ACK_WAIT": "10ms", "NEWSBRIEF_FETCH_ALLOW_PRIVATE": "maybe", "NEWSBRIEF_RATE_LIMIT": "lots"})
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for _, name := range []string{"NEWSBRIEF_ACK_WAIT", "NEWSBRIEF_FETCH_ALLOW_PRIVATE", "NEWSBRIEF_RATE_LIMIT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s (every problem is reported at once)", err, name)
		}
	}
}
