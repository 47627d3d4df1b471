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
	train := fs.String("train", "", "comma-separated training files; FILE:N uses the first N sentences")
	eval := fs.String("eval", "", "comma-separated evaluation files")
	out := fs.String("out", "", "model file to write (optional)")
	epochs := fs.Int("epochs", 8, "training epochs")
	prune := fs.Float64("prune", 0.05, "drop features whose largest averaged weight is below this")
	misc := fs.Bool("misc", true, "keep MISC as a class while training (it is mapped to O when tagging)")
	lexFiles := fs.String("lexicon", "", "comma-separated labelled files whose capitalised entity words become the word lexicon")
	dump := fs.String("errors", "", "write false positives and misses on the evaluation files to this file")
	folds := fs.Int("folds", 5, "jackknife folds for adding the training entities to the lexicon (0: do not add them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var toks, tags [][]string
	for _, spec := range strings.Split(*train, ",") {
		if spec == "" {
			continue
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
	t0 := time.Now()
	m, err := entities.Train(toks, tags, entities.TrainOptions{Epochs: *epochs, Prune: *prune, Seed: 1, Log: os.Stderr, Lexicon: lex, Folds: *folds})
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
	text := func(toks []string, s nereval.Span) string {
		return s.Type + " " + strings.Join(toks[s.Start:s.End], " ")
	}
	for _, s := range sents {
		gold := map[nereval.Span]bool{}
		for _, sp := range nereval.Spans(s.Tags) {
			gold[sp] = true
		}
		pred := map[nereval.Span]bool{}
		for _, sp := range nereval.Spans(tag(s.Tokens, lang)) {
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
	return nil
}
