// Command nerclusters builds the word-cluster file that the offline entity
// tagger embeds (pkg/entities/data/clusters.tsv.gz) from unlabelled text:
// the tokens of CoNLL files (tags are ignored) and plain-text articles.
//
//	D=../shared/data
//	go run ./pkg/entities/cmd/nerclusters -out pkg/entities/data/clusters.tsv.gz \
//	    $D/ner/*.conll $D/articles/*.txt
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/entities"
	"github.com/newsbrief/newsbrief/pkg/nereval"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "nerclusters:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("nerclusters", flag.ContinueOnError)
	out := fs.String("out", "", "cluster file to write")
	minCount := fs.Int("min", 3, "minimum word count")
	contexts := fs.Int("contexts", 800, "most frequent words used as contexts")
	branch := fs.String("branch", "16,8,8", "clusters per level")
	iters := fs.Int("iters", 12, "k-means iterations per split")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var sents [][]string
	for _, p := range fs.Args() {
		if strings.HasSuffix(p, ".txt") {
			b, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("reading text: %w", err)
			}
			body := string(b)
			for _, s := range entities.Sentences(body, entities.Tokenize(body)) {
				ws := make([]string, len(s))
				for i, t := range s {
					ws[i] = t.Text
				}
				sents = append(sents, ws)
			}
			continue
		}
		ss, err := nereval.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range ss {
			sents = append(sents, s.Tokens)
		}
	}
	var br []int
	for _, f := range strings.Split(*branch, ",") {
		var k int
		if _, err := fmt.Sscan(f, &k); err != nil || k < 2 {
			return fmt.Errorf("bad -branch %q", *branch)
		}
		br = append(br, k)
	}
	cl := entities.BuildClusters(sents, entities.ClusterOptions{MinCount: *minCount, Contexts: *contexts, Branch: br, Iters: *iters, Seed: 1})
	fmt.Fprintf(os.Stderr, "%d sentences, %d words clustered\n", len(sents), len(cl))
	if *out == "" {
		return nil
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("creating cluster file: %w", err)
	}
	if err := entities.WriteClusters(f, cl); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing cluster file: %w", err)
	}
	return nil
}
