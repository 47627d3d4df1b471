package service

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
