package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/corpus"
	"github.com/newsbrief/newsbrief/pkg/news"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"NEWSBRIEF_LOG_LEVEL": "error"}
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestRunUsage(t *testing.T) {
	if code, out, _ := runCLI(t, "", "help"); code != 0 || !strings.Contains(out, "newsbrief submit") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, errs := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, "", "submit"); code != 2 || !strings.Contains(errs, "nothing to submit") {
		t.Errorf("submit with no input: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, "", "serve", "-workers", "0"); code == 0 || !strings.Contains(errs, "NEWSBRIEF_WORKERS") {
		t.Errorf("serve with bad config: %d %q", code, errs)
	}
}

func TestBriefInProcess(t *testing.T) {
	seed := filepath.Join(t.TempDir(), corpus.Lead)
	if err := os.WriteFile(seed, []byte(corpus.Get(corpus.Lead).Text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "brief", seed, "--format", "json")
	if code != 0 {
		t.Fatalf("brief: %d %s", code, errs)
	}
	var br news.Brief
	if err := json.Unmarshal([]byte(out), &br); err != nil {
		t.Fatal(err)
	}
	checkSeedBrief(t, br)

	// --jsonl: one brief (or error object) per input line; an English
	// article with the language forced.
	en, _ := os.ReadFile("testdata/en_article.txt")
	line, _ := json.Marshal(map[string]string{"body": string(en)})
	code, out, _ = runCLI(t, string(line)+"\n{\"body\": 3}\n", "brief", "--jsonl", "--lang", "en", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 2 || !strings.Contains(lines[0], `"headline"`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("--jsonl: exit %d, lines %q", code, lines)
	}
}

func TestEvalSummariesCommand(t *testing.T) {
	data, err := filepath.Abs("../../pkg/summarise/sumeval/testdata/pairs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "eval", "summaries", "--data", data)
	if code != 0 || !strings.Contains(out, "lead-3") || !strings.Contains(out, "ROUGE-1") {
		t.Errorf("eval summaries: %d %q %q", code, out, errs)
	}
	if code, _, _ := runCLI(t, "", "eval", "entities"); code != 2 {
		t.Errorf("eval entities without --data: exit %d, want 2", code)
	}
}

// TestEvalEntitiesDocs: with --docs, or by default (the two sentences are
// guessed to be one article), the surname alone in the second sentence is
// tagged from the full name in the first; with --sentences each sentence is
// alone.
func TestEvalEntitiesDocs(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "x.conll")
	starts := filepath.Join(dir, "starts.txt")
	// alone, the second sentence's "Zorblat" is missed
	conll := "The\tO\nartist\tO\nAndy\tB-PER\nZorblat\tI-PER\ndied\tO\n.\tO\n\n\"\tO\nIt\tO\n's\tO\nZorblat\tB-PER\n.\tO\n"
	if err := os.WriteFile(data, []byte(conll), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(starts, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "eval", "entities", "--data", data, "--lang", "en", "--docs", starts)
	if code != 0 || !regexp.MustCompile(`overall\s+2\s+0\s+0`).MatchString(out) {
		t.Errorf("eval entities --docs: exit %d, out %q, err %q; want 2 true positives", code, out, errs)
	}
	code, out, errs = runCLI(t, "", "eval", "entities", "--data", data, "--lang", "en")
	if code != 0 || !regexp.MustCompile(`overall\s+2\s+0\s+0`).MatchString(out) || !strings.Contains(out, "documents: 1 documents, guessed") {
		t.Errorf("eval entities without --docs: exit %d, out %q, err %q; want one guessed document, 2 true positives", code, out, errs)
	}
	code, out, errs = runCLI(t, "", "eval", "entities", "--data", data, "--lang", "en", "--sentences")
	if code != 0 || !regexp.MustCompile(`overall\s+1\s+0\s+1`).MatchString(out) {
		t.Errorf("eval entities --sentences: exit %d, out %q, err %q; want 1 true positive, 1 miss", code, out, errs)
	}
	if code, _, _ := runCLI(t, "", "eval", "entities", "--data", data, "--docs", filepath.Join(dir, "missing")); code == 0 {
		t.Error("eval entities with a missing --docs file: exit 0")
	}
}
