// Command nertrain trains the offline entity tagger from CoNLL files and
// writes the compressed model that package entities embeds. It also scores
// the new model on held-out files so every retraining comes with numbers.
//
//	go run ./pkg/entities/cmd/nertrain -lang it \
//	    -train ../shared/data/ner/it_kind_wikinews_train_gold.conll \
//	    -eval ../shared/data/ner/it_kind_wikinews_dev_gold.conll \
//	    -out pkg/entities/data/model_it.bin.gz
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/entities"
	"github.com/newsbrief/newsbrief/pkg/nereval"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "nertrain:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("nertrain", flag.ContinueOnError)
	lang := fs.String("lang", "it", "language of the model")
	train := fs.String("train", "", "comma-separated training files; FILE:N uses the first N sentences, FILE*W weighs its sentences W (default 1)")
	eval := fs.String("eval", "", "comma-separated evaluation files")
	out := fs.String("out", "", "model file to write (optional)")
	epochs := fs.Int("epochs", 8, "training epochs")
	prune := fs.Float64("prune", 0.05, "drop features whose largest averaged weight is below this")
	misc := fs.Bool("misc", true, "keep MISC as a class while training (it is mapped to O when tagging)")
	lexFiles := fs.String("lexicon", "", "comma-separated labelled files whose capitalised entity words become the word lexicon")
	dump := fs.String("errors", "", "write false positives and misses on the evaluation files to this file")
	seed := fs.Uint64("seed", 1, "shuffling seed")
	folds := fs.Int("folds", 5, "jackknife folds for adding the training entities to the lexicon (0: do not add them)")
	cv := fs.Int("cv", 0, "cross-validate on -cvfile: K folds of whole documents, each scored by a model trained on -train plus the other folds (1: score all of -cvfile, trained on -train only)")
	cvFile := fs.String("cvfile", "", "labelled file to cross-validate on (with -cv)")
	docsFile := fs.String("docs", "", "sentence indices where the documents of -cvfile start, one a line, or \"guess\" to guess them from the titles as `newsbrief eval entities` does for a file without markers (default: every sentence its own document)")
	cvWeight := fs.Float64("cvweight", 1, "weight of the -cvfile sentences that train a fold")
	repeat := fs.Bool("repeat", false, "apply weights by visiting a sentence round(W) times per epoch instead of scaling its updates")
	runs := fs.Int("runs", 1, "train this many models (seeds seed, seed+1, ...) and average their weights")
	margin := fs.Float64("margin", 0, "train with loss-augmented decoding: this much added to every wrong tag's score")
	docLevel := fs.Bool("doc", false, "tag -cvfile document by document (names consistent across a document, as in Extract); without it every sentence is a document of its own")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var toks, tags [][]string
	var weights []float64
	weighted := false
	for _, spec := range strings.Split(*train, ",") {
		if spec == "" {
			continue
		}
		wt := 1.0
		if i := strings.LastIndexByte(spec, '*'); i > 0 {
			if _, err := fmt.Sscan(spec[i+1:], &wt); err != nil {
				return fmt.Errorf("weight in %q: %w", spec, err)
			}
			spec = spec[:i]
			weighted = weighted || wt != 1
		}
		path, limit := spec, -1
		if i := strings.LastIndexByte(spec, ':'); i > 0 {
			fmt.Sscan(spec[i+1:], &limit)
			path = spec[:i]
		}
		sents, err := nereval.ReadFile(path)
		if err != nil {
			return err
		}
		if limit >= 0 && limit < len(sents) {
			sents = sents[:limit]
		}
		for _, s := range sents {
			tg := make([]string, len(s.Tags))
			for i, t := range s.Tags {
				if !*misc && strings.HasSuffix(t, "-MISC") {
					t = "O"
				}
				tg[i] = t
			}
			toks = append(toks, s.Tokens)
			tags = append(tags, tg)
			weights = append(weights, wt)
		}
	}
	if len(toks) == 0 {
		return fmt.Errorf("no training sentences (use -train)")
	}
	var ltoks, ltags [][]string
	for _, p := range strings.Split(*lexFiles, ",") {
		if p == "" {
			continue
		}
		sents, err := nereval.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range sents {
			ltoks = append(ltoks, s.Tokens)
			ltags = append(ltags, s.Tags)
		}
	}
	lex := entities.LexiconFrom(ltoks, ltags)
	fmt.Fprintf(os.Stderr, "lexicon: %d words\n", len(lex))
	opt := entities.TrainOptions{Epochs: *epochs, Prune: *prune, Seed: *seed, Log: os.Stderr, Lexicon: lex, Folds: *folds, Repeat: *repeat, Runs: *runs, Margin: *margin}
	if weighted {
		opt.Weights = weights
	}
	if *cv >= 1 {
		return crossValidate(toks, tags, opt, *cv, *cvWeight, *cvFile, *docsFile, *lang, *misc, *docLevel, *dump)
	}
	t0 := time.Now()
	m, err := entities.Train(toks, tags, opt)
	if err != nil {
		return fmt.Errorf("training: %w", err)
	}
	fmt.Fprintf(os.Stderr, "trained on %d sentences in %s\n", len(toks), time.Since(t0).Round(time.Millisecond))
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("creating model file: %w", err)
		}
		if _, err := m.WriteTo(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("closing model file: %w", err)
		}
		st, _ := os.Stat(*out)
		fmt.Fprintf(os.Stderr, "wrote %s (%d bytes)\n", *out, st.Size())
	}
	tag := func(tokens []string, _ string) []string { return entities.MapMISC(m.Tag(tokens)) }
	for _, p := range strings.Split(*eval, ",") {
		if p == "" {
			continue
		}
		r, err := nereval.Run(p, *lang, tag)
		if err != nil {
			return err
		}
		if err := r.Write(os.Stdout); err != nil {
			return err
		}
		if *dump != "" {
			if err := dumpErrors(*dump, p, *lang, tag); err != nil {
				return err
			}
		}
	}
	return nil
}

// dumpErrors writes, for every sentence where prediction and gold differ,
// the spans only the gold has (-) and the spans only the tagger has (+).
func dumpErrors(out, path, lang string, tag nereval.TagFunc) error {
	sents, err := nereval.ReadFile(path)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("creating error dump: %w", err)
	}
	defer f.Close()
	pred := make([][]string, len(sents))
	for i, s := range sents {
		pred[i] = tag(s.Tokens, lang)
	}
	writeErrors(f, sents, pred)
	return nil
}

// writeErrors writes, for every sentence where prediction and gold differ,
// the spans only the gold has (-) and the spans only the tagger has (+).
func writeErrors(f io.Writer, sents []nereval.Sentence, tags [][]string) {
	text := func(toks []string, s nereval.Span) string {
		return fmt.Sprintf("%s %s @%d-%d", s.Type, strings.Join(toks[s.Start:s.End], " "), s.Start, s.End)
	}
	for si, s := range sents {
		gold := map[nereval.Span]bool{}
		for _, sp := range nereval.Spans(s.Tags) {
			gold[sp] = true
		}
		pred := map[nereval.Span]bool{}
		for _, sp := range nereval.Spans(tags[si]) {
			pred[sp] = true
		}
		var lines []string
		for sp := range gold {
			if !pred[sp] {
				lines = append(lines, "  - "+text(s.Tokens, sp))
			}
		}
		for sp := range pred {
			if !gold[sp] {
				lines = append(lines, "  + "+text(s.Tokens, sp))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(f, "%s\n%s\n", strings.Join(s.Tokens, " "), strings.Join(lines, "\n"))
		}
	}
}

// crossValidate runs entities.CrossValidate on path and prints every fold,
// the pooled counts and the mean and spread of F1.
func crossValidate(toks, tags [][]string, opt entities.TrainOptions, k int, weight float64, path, docsPath, lang string, misc, docLevel bool, dump string) error {
	sents, err := nereval.ReadFile(path)
	if err != nil {
		return err
	}
	if docsPath != "" {
		starts := nereval.GuessDocStarts(sents)
		if docsPath != "guess" {
			if starts, err = nereval.ReadDocStarts(docsPath); err != nil {
				return err
			}
		}
		if err := nereval.SetDocs(sents, starts); err != nil {
			return err
		}
	}
	for i := range sents {
		for j, t := range sents[i].Tags {
			if !misc && strings.HasSuffix(t, "-MISC") {
				sents[i].Tags[j] = "O"
			}
		}
	}
	var out *os.File
	if dump != "" {
		if out, err = os.Create(dump); err != nil {
			return fmt.Errorf("creating error dump: %w", err)
		}
		defer out.Close()
	}
	opt.Log = nil
	folds, err := entities.CrossValidate(toks, tags, sents, k, docLevel, lang, weight, opt)
	if err != nil {
		return err
	}
	var f1s []float64
	var total nereval.Report
	total.ByType = map[string]nereval.Counts{}
	for _, fd := range folds {
		r := fd.Report
		r.Name = path + " " + r.Name
		if err := r.Write(os.Stdout); err != nil {
			return err
		}
		f1s = append(f1s, r.Overall.F1())
		for t, c := range r.ByType {
			a := total.ByType[t]
			a.TP, a.FP, a.FN = a.TP+c.TP, a.FP+c.FP, a.FN+c.FN
			total.ByType[t] = a
			total.Overall.TP, total.Overall.FP, total.Overall.FN = total.Overall.TP+c.TP, total.Overall.FP+c.FP, total.Overall.FN+c.FN
		}
		total.Sentences += r.Sentences
		total.Tokens += r.Tokens
		if out != nil {
			writeErrors(out, fd.Gold, fd.Pred)
		}
	}
	total.Name = path + " all folds pooled"
	if err := total.Write(os.Stdout); err != nil {
		return err
	}
	mean, lo, hi := 0.0, 1.0, 0.0
	for _, v := range f1s {
		mean += v / float64(len(f1s))
		lo, hi = min(lo, v), max(hi, v)
	}
	var sd float64
	for _, v := range f1s {
		sd += (v - mean) * (v - mean) / float64(len(f1s))
	}
	fmt.Printf("cv F1 by fold:")
	for _, v := range f1s {
		fmt.Printf(" %.3f", v)
	}
	fmt.Printf("  mean %.3f ± %.3f (sd), range %.3f–%.3f\n", mean, math.Sqrt(sd), lo, hi)
	return nil
}
