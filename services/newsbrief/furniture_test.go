package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// Issue #17: the furniture of a news page becomes the brief's source
// metadata, never its headline, summary or key points.
func TestBriefFurniture(t *testing.T) {
	body := "By Jane Doe\n\nSAN FRANCISCO (AP) — Cloudflare suffered a global outage on Tuesday that knocked thousands of websites offline, including X and ChatGPT. " +
		"The company said a configuration change in its network caused widespread 500 errors for about three hours.\n\n" +
		"Read more: How the internet's plumbing works\n\n" +
		"Traffic began to recover in the afternoon as engineers rolled back the change, and the company apologised to its customers.\n\n" +
		"The outage follows disruptions at Amazon Web Services and Microsoft Azure in recent months, renewing concerns about how much of the internet depends on a few cloud providers."
	line, _ := json.Marshal(map[string]string{"body": body, "language": "en"})
	code, out, errs := runWith(t, context.Background(), bytes.NewReader(append(line, '\n')), nil, "brief", "--jsonl")
	if code != 0 {
		t.Fatalf("brief --jsonl: exit %d: %s", code, errs)
	}
	var br struct {
		Headline  string   `json:"headline"`
		Summary   string   `json:"summary"`
		KeyPoints []string `json:"key_points"`
		Topics    []string `json:"topics"`
		Body      string   `json:"body"`
		Source    struct {
			Name, Author, Dateline string
		} `json:"source"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &br); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
	if br.Source.Author != "Jane Doe" || br.Source.Dateline != "SAN FRANCISCO" || br.Source.Name != "AP" {
		t.Errorf("source = %+v, want author Jane Doe, dateline SAN FRANCISCO, name AP", br.Source)
	}
	for _, text := range append([]string{br.Headline, br.Summary, br.Body}, br.KeyPoints...) {
		for _, m := range []string{"By Jane", "SAN FRANCISCO", "(AP)", "Read more"} {
			if strings.Contains(text, m) {
				t.Errorf("%q carries furniture %q", text, m)
			}
		}
	}
	if !strings.HasPrefix(br.Headline, "Cloudflare suffered a global outage") {
		t.Errorf("headline %q, want the lead's news", br.Headline)
	}
}
