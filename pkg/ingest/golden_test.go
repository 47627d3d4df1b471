package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/news"
	"golang.org/x/text/unicode/norm"
)

// update rewrites testdata/golden.jsonl from the current code. The file was
// generated before the CPU work of issue #7 (round 3); the optimised Decode
// and Normalise must reproduce it byte for byte. It holds SHA-256 sums, not
// text: the inputs are the shared data's, which testdata must not copy.
var update = flag.Bool("update", false, "rewrite testdata/golden.jsonl from the current code")

// direct as a case's content type skips Decode: the data is the body of a
// Submission passed to Normalise as it is (invalid UTF-8 included).
const direct = "direct"

type ingestCase struct {
	name, ct string
	data     []byte
}

// messy garbles a text the ways submissions arrive: tabs and runs of
// spaces, no-break and zero-width spaces, soft hyphens, control
// characters, odd line and paragraph separators, a stray invalid byte.
func messy(s string) string {
	var b strings.Builder
	junk := []string{"\t", "  ", "\u00a0", "\u200b", "\u00ad", "\x01", "\u2028", "\u2029", "\f", "\v", "\r", "\u200d", "\u200e", "\ufeff", " \n ", "\xff", "\u0301"}
	for i, f := range strings.SplitAfter(s, " ") {
		b.WriteString(f)
		if i%7 == 3 {
			b.WriteString(junk[(i/7)%len(junk)])
		}
	}
	return b.String()
}

// wrap hard-wraps every paragraph at about width bytes.
func wrap(s string, width int) string {
	var b strings.Builder
	for i, p := range strings.Split(s, "\n\n") {
		if i > 0 {
			b.WriteString("\n\n")
		}
		n := 0
		for j, w := range strings.Fields(p) {
			if j > 0 {
				if n+len(w) > width {
					b.WriteByte('\n')
					n = 0
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(w)
			n += len(w) + 1
		}
	}
	return b.String()
}

// ingestCases builds the inputs: the seed, the 124 shared articles, the GUM
// and sumeval pairs, each as plain text and as JSON, raw, with CRLF line
// ends, hard-wrapped, garbled, decomposed (NFD) and with a date marker.
func ingestCases(t *testing.T) []ingestCase {
	t.Helper()
	var cs []ingestCase
	add := func(name, title, body string) {
		variants := []struct{ n, body string }{
			{"raw", body},
			{"crlf", strings.ReplaceAll(body, "\n", "\r\n")},
			{"wrap", wrap(body, 60)},
			{"messy", messy(body)},
			{"messy8", strings.ReplaceAll(messy(body), "\xff", "")},
			{"nfd", norm.NFD.String(body)},
			{"date", "Date: 2024-02-29\n" + body},
		}
		for _, v := range variants {
			cs = append(cs, ingestCase{name: name + "/text/" + v.n, ct: "text/plain", data: []byte(v.body)})
			sub := news.Submission{Title: title, Body: v.body, Source: " Wiki\tnews\n", Language: "it-IT"}
			if v.n == "date" {
				sub.PublishedAt = "2025-01-02"
			}
			j, err := json.Marshal(sub)
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, ingestCase{name: name + "/json/" + v.n, ct: "application/json", data: j},
				ingestCase{name: name + "/direct/" + v.n, ct: direct, data: []byte(v.body)})
		}
	}
	seed, err := os.ReadFile(shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		t.Fatal(err)
	}
	add("seed", "", string(seed))
	files, err := filepath.Glob(shared.Path(t, "articles", "*_wikinews_*.txt"))
	if err != nil || len(files) < 100 {
		t.Fatalf("articles: %d files, %v", len(files), err)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add("articles/"+filepath.Base(f), "", string(b))
	}
	readPairs := func(name, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<24)
		for i := 0; sc.Scan(); i++ {
			var p struct{ Title, Article, Reference string }
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			add(fmt.Sprintf("%s/%d", name, i), p.Title, p.Article)
			add(fmt.Sprintf("%s/%d/reference", name, i), "", p.Reference)
		}
	}
	readPairs("gum", shared.Path(t, "summaries", "en_gum_wikinews.jsonl"))
	readPairs("sumeval", filepath.Join("..", "summarise", "sumeval", "testdata", "pairs.jsonl"))
	for i, s := range []string{"", " ", "a", "Titolo\n\nTesto.", "date 2025-12-17", "date 2025-12-17 Testo", "DATE: 2025-13-45 x",
		"Perch\xe9 no", "\x00", "<!DOCTYPE html><title>T - S</title><p>Un paragrafo di testo abbastanza lungo da essere letto.</p>", "\u2029\u2028\r\n\r"} {
		cs = append(cs, ingestCase{name: fmt.Sprintf("own/%d", i), ct: "text/plain", data: []byte(s)},
			ingestCase{name: fmt.Sprintf("own/%d/sniff", i), data: []byte(s)})
	}
	return cs
}

// ingestSum is one line of the golden file: the SHA-256 of what Decode and
// Normalise returned (the article as JSON, or the error text).
type ingestSum struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	ID     string `json:"id,omitempty"`
}

func ingestRun(c ingestCase) (ingestSum, string) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out string
	var id string
	s, err := news.Submission{Body: string(c.data)}, error(nil)
	if c.ct != direct {
		s, err = Decode(c.data, c.ct, DefaultMaxBytes)
	}
	if err == nil {
		var a news.Article
		a, err = Normalise(s, now)
		if err == nil {
			b, jerr := json.Marshal(a)
			if jerr != nil {
				panic(jerr)
			}
			out, id = string(b), a.ID
		}
	}
	if err != nil {
		out = "error: " + err.Error()
	}
	sum := sha256.Sum256([]byte(out))
	return ingestSum{Name: c.name, SHA256: hex.EncodeToString(sum[:]), ID: id}, out
}

// TestGolden checks that Decode and Normalise give exactly the output
// summed in testdata/golden.jsonl for every case.
func TestGolden(t *testing.T) {
	cs := ingestCases(t)
	path := filepath.Join("testdata", "golden.jsonl")
	if *update {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for _, c := range cs {
			s, _ := ingestRun(c)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d cases to %s", len(cs), path)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -args -update on the reference code)", err)
	}
	want := map[string]ingestSum{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var s ingestSum
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatal(err)
		}
		want[s.Name] = s
	}
	if len(want) != len(cs) {
		t.Errorf("golden file has %d cases, the test builds %d", len(want), len(cs))
	}
	bad := 0
	for _, c := range cs {
		got, out := ingestRun(c)
		if got != want[c.name] {
			bad++
			if bad <= 5 {
				t.Errorf("%s: got %+v, want %+v; output now:\n%.2000s", c.name, got, want[c.name], out)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cases differ", bad, len(cs))
	}
}
