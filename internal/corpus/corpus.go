// Package corpus holds a few short tech-news articles of our own, in Italian
// and English, so that the pipeline, fault and end-to-end tests run on a
// fresh clone with no ../shared data. Only evaluations read the shared data.
package corpus

import (
	"embed"
	"path"
	"sort"
	"strings"
)

//go:embed testdata/*.txt
var files embed.FS

// Article is one of our articles as it sits on disk: an optional
// "date YYYY-MM-DD" line, the title, a blank line, the body.
type Article struct {
	Name string // file name, e.g. "it_fibra_mezzogiorno.txt"
	Lang string // "it" or "en", from the file name
	Text string // the whole file
}

// Title is the article's title line.
func (a Article) Title() string {
	t, _ := a.split()
	return t
}

// Body is the article's text after the title.
func (a Article) Body() string {
	_, b := a.split()
	return b
}

func (a Article) split() (title, body string) {
	s := a.Text
	if strings.HasPrefix(s, "date ") {
		_, s, _ = strings.Cut(s, "\n")
	}
	title, body, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(title), strings.TrimSpace(body)
}

// All returns every article, sorted by name (English first).
func All() []Article {
	entries, err := files.ReadDir("testdata")
	if err != nil {
		panic("corpus: " + err.Error()) // embedded at build time: cannot fail
	}
	var out []Article
	for _, e := range entries {
		b, err := files.ReadFile(path.Join("testdata", e.Name()))
		if err != nil {
			panic("corpus: " + err.Error())
		}
		lang, _, _ := strings.Cut(e.Name(), "_")
		out = append(out, Article{Name: e.Name(), Lang: lang, Text: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lang returns the articles in one language.
func Lang(code string) []Article {
	var out []Article
	for _, a := range All() {
		if a.Lang == code {
			out = append(out, a)
		}
	}
	return out
}

// Get returns the article with the given file name; it panics if there is
// none, since the names are fixed in the tests that use them.
func Get(name string) Article {
	for _, a := range All() {
		if a.Name == name {
			return a
		}
	}
	panic("corpus: no article " + name)
}

// Lead is the Italian article the end-to-end tests follow from submission
// to brief; its expectations (see the tests) are written for it.
const Lead = "it_fibra_mezzogiorno.txt"
