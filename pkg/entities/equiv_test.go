package entities

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/nereval"
)

// TestTagMatchesReference checks that the optimised tagger gives exactly the
// tags of the reference implementation (ref_test.go) with both embedded
// models on every labelled sentence and every article sentence available.
func TestTagMatchesReference(t *testing.T) {
	o := offline(t)
	var sents [][]string
	for _, f := range []string{"it_kind_wikinews_dev_gold.conll", "en_gum_news_gold.conll", "en_wikigold_gold.conll"} {
		ss, err := nereval.ReadFile(shared.Path(t, "ner", f))
		if err != nil {
			t.Logf("skipping %s: %v", f, err)
			continue
		}
		for _, s := range ss {
			sents = append(sents, s.Tokens)
		}
	}
	files, _ := filepath.Glob(filepath.Join(shared.Path(t, "articles"), "*.txt"))
	files = append(files, shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		body := string(data)
		toks := Tokenize(body)
		for _, sent := range Sentences(body, toks) {
			words := make([]string, len(sent))
			for i, tk := range sent {
				words[i] = tk.Text
			}
			sents = append(sents, words)
		}
	}
	if len(sents) == 0 {
		t.Skip("no shared data")
	}
	for _, lang := range []string{"it", "en"} {
		m := o.models[lang]
		diffs := 0
		for _, s := range sents {
			got, want := m.Tag(s), m.refTag(s)
			if !slices.Equal(got, want) {
				if diffs < 5 {
					t.Errorf("%s: Tag(%q)\n got %v\nwant %v", lang, s, got, want)
				}
				diffs++
			}
		}
		t.Logf("%s model: %d sentences, %d differ", lang, len(sents), diffs)
		if diffs > 0 {
			t.Errorf("%s model: %d of %d sentences differ", lang, diffs, len(sents))
		}
	}
}
