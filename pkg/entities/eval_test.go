package entities

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/nereval"
)

// TestEvaluation scores the embedded models on the shared labelled sets and
// fails if F1 drops below what the shipped models reach, minus a margin.
// Files marked trained were used to fit the model and only show fit. The
// file is tagged a document at a time (TagDoc, as Extract tags an article),
// documents as seg says: guessed from the titles by default.
func TestEvaluation(t *testing.T) {
	o := offline(t)
	sentences := nereval.Segmentation{Sentences: true}
	tests := []struct {
		file, lang string
		seg        nereval.Segmentation
		minF1      float64
		trained    bool
	}{
		{"it_kind_wikinews_dev_gold.conll", "it", sentences, 0.775, false},                                              // 0.784
		{"it_kind_wikinews_dev_gold.conll", "it", nereval.Segmentation{}, 0.788, false},                                 // 0.796, guessed articles
		{"en_gum_news_gold.conll", "en", nereval.Segmentation{StartsFile: "testdata/en_gum_news_docs.txt"}, 0.90, true}, // held out: TestEnglishCrossValidation
		{"en_wikigold_gold.conll", "en", sentences, 0.80, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %+v", tc.file, tc.seg), func(t *testing.T) {
			path := shared.Path(t, "ner", tc.file)
			if _, err := nereval.ReadFile(path); err != nil {
				t.Skipf("labelled file not readable: %v", err)
			}
			r, err := nereval.RunDocs(path, tc.seg, tc.lang, o.TagDoc)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			r.Write(&b)
			t.Logf("trained on this file: %v\n%s", tc.trained, b.String())
			if f := r.Overall.F1(); f < tc.minF1 {
				t.Errorf("F1 = %.3f, want >= %.3f", f, tc.minF1)
			}
		})
	}
}

// TestEnglishCrossValidation is the honest English figure: the shipped
// English model trains on all of GUM, the only English news gold, so GUM is
// scored by 4-fold cross-validation over whole documents, each fold tagged
// by a model trained as the shipped one (README) but without that fold:
// the mean of 10 perceptrons, which trains forty models.
func TestEnglishCrossValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four models")
	}
	read := func(name string) []nereval.Sentence {
		s, err := nereval.ReadFile(shared.Path(t, "ner", name))
		if err != nil {
			t.Skipf("labelled file not readable: %v", err)
		}
		for i := range s {
			MapMISC(s[i].Tags) // -misc=false
		}
		return s
	}
	var toks, tags [][]string
	for _, f := range []string{"en_wikineural_val_silver.conll", "en_wikigold_gold.conll"} {
		for _, s := range read(f) {
			toks, tags = append(toks, s.Tokens), append(tags, s.Tags)
		}
	}
	var lt, lg [][]string // -lexicon files, as read (MISC kept)
	for _, f := range []string{"it_wikineural_val_silver.conll", "it_kind_wikinews_train_gold.conll"} {
		lexSents, err := nereval.ReadFile(shared.Path(t, "ner", f))
		if err != nil {
			t.Skipf("labelled file not readable: %v", err)
		}
		for _, s := range lexSents {
			lt, lg = append(lt, s.Tokens), append(lg, s.Tags)
		}
	}
	gum := read("en_gum_news_gold.conll")
	starts, err := nereval.ReadDocStarts("testdata/en_gum_news_docs.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := nereval.SetDocs(gum, starts); err != nil {
		t.Fatal(err)
	}
	// Under -race (CI) one perceptron per fold instead of ten: forty
	// trainings would take a quarter of an hour there. Its bar is lower.
	runs, wantMean, wantLow := 10, 0.75, 0.65
	if raceBuild {
		// One perceptron is a noisy estimate: measured 0.754 (0.867 0.777
		// 0.694 0.677) before the knowledge base (issue #14), 0.725 (0.863
		// 0.737 0.653 0.647) after it, seed 1, while the shipped ten-run
		// recipe stayed at 0.759 → 0.762. The bar guards against a collapse.
		runs, wantMean, wantLow = 1, 0.72, 0.63
	}
	folds, err := CrossValidate(toks, tags, gum, 4, true, "en", 1, TrainOptions{Epochs: 8, Prune: 0.5, Seed: 1, Lexicon: LexiconFrom(lt, lg), Folds: 5, Runs: runs})
	if err != nil {
		t.Fatal(err)
	}
	mean, lo := 0.0, 1.0
	for _, f := range folds {
		v := f.Report.Overall.F1()
		t.Logf("%s: F1 %.3f", f.Report.Name, v)
		mean += v / float64(len(folds))
		lo = min(lo, v)
	}
	t.Logf("mean F1 %.3f", mean)
	// measured with 10 runs: 0.867 0.787 0.722 0.659, mean 0.759 (seeds 11, 21: 0.761, 0.761)
	if mean < wantMean || lo < wantLow {
		t.Errorf("4-fold GUM F1 (%d runs): mean %.3f (want >= %.2f), lowest fold %.3f (want >= %.2f)", runs, mean, wantMean, lo, wantLow)
	}
}
