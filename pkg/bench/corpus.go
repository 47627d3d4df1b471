package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// ErrNoArticles is returned when a corpus directory holds no article.
var ErrNoArticles = errors.New("bench: no articles")

// Doc is one article of the corpus the variants are made from.
type Doc struct {
	Title string
	Body  string
}

// LoadDir reads every *.txt file of dir as "title, blank line, body" (a
// file with no blank line is all body), sorted by name.
func LoadDir(dir string) ([]Doc, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	sort.Strings(paths)
	var docs []Doc
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading article: %w", err)
		}
		docs = append(docs, SplitTitle(string(data)))
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w in %s (want *.txt files)", ErrNoArticles, dir)
	}
	return docs, nil
}

// SplitTitle splits "title\n\nbody"; text without a blank line, or with a
// first paragraph longer than a title, is all body.
func SplitTitle(text string) Doc {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if i := strings.Index(text, "\n\n"); i > 0 && i < 300 && !strings.Contains(text[:i], "\n") {
		return Doc{Title: strings.TrimSpace(text[:i]), Body: strings.TrimSpace(text[i+2:])}
	}
	return Doc{Body: strings.TrimSpace(text)}
}

// Source gives the submissions of a run one at a time, so that the bench
// need not hold them all in memory (at n=8000 they were 36 MB of the heap
// it measures; issue #7).
type Source interface {
	Len() int
	// At returns submission i (JSON, as news.submitted carries); it is
	// called once per submission and must be safe for concurrent use.
	At(i int) []byte
}

// Variants returns n submissions (JSON, as news.submitted carries) made
// from docs in turn, each encoded when it is asked for. Each body ends with
// a sentence naming its number, so every variant has its own content id.
// size > 0 resizes every body to about size bytes: cut at a word boundary,
// or repeated paragraphs.
func Variants(docs []Doc, n, size int) Source {
	v := variants{docs: make([]Doc, len(docs)), n: n}
	for i, d := range docs {
		if size > 0 {
			d.Body = resize(d.Body, size)
		}
		v.docs[i] = d
	}
	return v
}

type variants struct {
	docs []Doc
	n    int
}

func (v variants) Len() int { return v.n }

func (v variants) At(i int) []byte {
	d := v.docs[i%len(v.docs)]
	body := d.Body + fmt.Sprintf("\n\nRif. %d/%d.", i+1, v.n)
	data, _ := json.Marshal(news.Submission{Title: d.Title, Body: body, Source: "bench"})
	return data
}

// resize cuts body to about size bytes at a word boundary, or repeats its
// paragraphs until it is that long.
func resize(body string, size int) string {
	if len(body) == 0 {
		return body
	}
	var b strings.Builder
	for b.Len() < size {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(body)
	}
	s := b.String()
	if len(s) <= size {
		return s
	}
	cut := strings.LastIndexAny(s[:size], " \n")
	if cut < size/2 {
		cut = size
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return strings.TrimSpace(s[:cut])
}
