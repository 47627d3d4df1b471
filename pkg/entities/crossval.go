package entities

import (
	"fmt"

	"github.com/newsbrief/newsbrief/pkg/nereval"
)

// Fold is the result of one cross-validation fold.
type Fold struct {
	Report nereval.Report
	Gold   []nereval.Sentence
	Pred   [][]string // MISC mapped to O
}

// CrossValidate splits sents into k contiguous blocks of whole documents
// (nereval.Documents) and scores each block with a model trained on tokens
// and tags plus the other blocks. With docLevel the held documents are
// tagged with TagDoc in language lang, as Extract tags an article; without,
// every sentence is tagged as a document of its own (as `newsbrief eval
// entities` tags a file without document markers). k == 1 scores all of sents
// with a model trained on tokens and tags alone. The sentences of sents that
// train a fold get weight (opt.Weights, when set, weighs tokens). When sents
// split hyphenated words (SplitsHyphens), English words are joined again
// for tagging, as `newsbrief eval entities` does (TagDocFor).
func CrossValidate(tokens, tags [][]string, sents []nereval.Sentence, k int, docLevel bool, lang string, weight float64, opt TrainOptions) ([]Fold, error) {
	if k < 1 || len(sents) == 0 {
		return nil, fmt.Errorf("cross-validation: %d folds of %d sentences", k, len(sents))
	}
	docs := nereval.Documents(sents)
	// fold of each document: contiguous blocks of about len(sents)/k sentences
	fold := make([]int, len(docs))
	seen := 0
	for d := range docs {
		fold[d] = min(k-1, (seen+len(docs[d])/2)*k/len(sents))
		seen += len(docs[d])
	}
	all := make([][]string, len(sents))
	for i, s := range sents {
		all[i] = s.Tokens
	}
	split := SplitsHyphens(all) // the file's tokenisation, not its labels
	var out []Fold
	for f := range k {
		tt, tg := append([][]string(nil), tokens...), append([][]string(nil), tags...)
		var tw []float64
		if opt.Weights != nil || weight != 1 {
			tw = append([]float64(nil), opt.Weights...)
			for len(tw) < len(tokens) {
				tw = append(tw, 1)
			}
		}
		var gold []nereval.Sentence
		for d, doc := range docs {
			if fold[d] == f {
				gold = append(gold, doc...)
				continue
			}
			for _, s := range doc {
				tt, tg = append(tt, s.Tokens), append(tg, s.Tags)
				if tw != nil {
					tw = append(tw, weight)
				}
			}
		}
		if len(gold) == 0 {
			continue
		}
		fo := opt
		fo.Weights = tw
		m, err := Train(tt, tg, fo)
		if err != nil {
			return nil, fmt.Errorf("training fold %d: %w", f+1, err)
		}
		pred := make([][]string, 0, len(gold))
		for _, doc := range nereval.Documents(gold) {
			ds := make([][]string, len(doc))
			for i, s := range doc {
				ds[i] = s.Tokens
			}
			if !docLevel {
				for _, s := range ds {
					pred = append(pred, MapMISC(m.tagDoc([][]string{s}, lang, split)[0]))
				}
				continue
			}
			for _, p := range m.tagDoc(ds, lang, split) {
				pred = append(pred, MapMISC(p))
			}
		}
		out = append(out, Fold{Report: nereval.Score(fmt.Sprintf("fold %d/%d", f+1, k), gold, pred), Gold: gold, Pred: pred})
	}
	return out, nil
}
