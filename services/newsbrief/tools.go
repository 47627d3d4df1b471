package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/entities"
	"github.com/newsbrief/newsbrief/pkg/nereval"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/service"
	"github.com/newsbrief/newsbrief/pkg/summarise/sumeval"
)

const evalUsage = `usage: newsbrief eval entities --data FILE.conll --lang it|en [--docs STARTS | --sentences]
       newsbrief eval entities --brief LABELS.tsv --texts DIR [--details]
       newsbrief eval summaries --data FILE.jsonl [--headlines]
       newsbrief eval stories --data DIR [--verbose] [--show N]

Measures the offline engines on labelled data: entity precision/recall/F1
per type, summary ROUGE against reference summaries, or story clustering
(B-cubed, cross-lingual links, syndication) on labelled articles. With
--headlines the summaries file holds {"title","body"} lines: the headline
is built from the body with the title hidden and judged against it.

Examples:
  newsbrief eval entities --data ../shared/data/ner/it_kind_wikinews_dev_gold.conll --lang it
  newsbrief eval entities --data ../shared/data/ner/en_gum_news_gold.conll --lang en --docs pkg/entities/testdata/en_gum_news_docs.txt
  newsbrief eval entities --brief pkg/entities/testdata/brief/labels.tsv --texts pkg/entities/testdata/brief
  newsbrief eval summaries --data ../shared/data/summaries/en_gum_wikinews.jsonl
  newsbrief eval summaries --headlines --data titled.jsonl
  newsbrief eval stories --data ../shared/data/stories`

func evalCmd(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 && wantsHelp(args[:1]) {
		fmt.Fprintln(stdout, evalUsage)
		return nil
	}
	if len(args) > 0 && args[0] == "stories" {
		return evalStories(args[1:], stdout, stderr, getenv)
	}
	if len(args) == 0 {
		return usageError{evalUsage}
	}
	fs := flag.NewFlagSet("eval "+args[0], flag.ContinueOnError)
	data := fs.String("data", "", "labelled data file")
	lang := fs.String("lang", "it", "with entities: the language of the file")
	docs := fs.String("docs", "", "with entities: file of sentence indices where documents start, for files without -DOCSTART- or # newdoc lines (default: guessed from the titles)")
	headlines := fs.Bool("headlines", false, "with summaries: judge headlines built with the title hidden on {\"title\",\"body\"} lines")
	sentences := fs.Bool("sentences", false, "with entities: in a file without document markers, tag every sentence alone instead of guessing its articles")
	brief := fs.String("brief", "", "with entities: labels of the entities each article's brief should show (file, type, name, aliases, id); scored per type and language, with ids and display names")
	texts := fs.String("texts", "", "with --brief: directory of the articles' texts")
	details := fs.Bool("details", false, "with --brief: list misses (-) and false positives (+)")
	if err := fs.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if *brief != "" && args[0] == "entities" {
		if *texts == "" {
			return usageError{"--brief needs --texts"}
		}
		off, err := entities.NewOffline()
		if err != nil {
			return err
		}
		labels, err := nereval.ReadBriefLabels(*brief)
		if err != nil {
			return err
		}
		read := func(file string) (string, error) {
			b, err := os.ReadFile(filepath.Join(*texts, filepath.Base(file)))
			return string(b), err
		}
		rep, err := nereval.ScoreBriefs(labels, read, func(body, lang string) []news.Entity { return off.All(body, lang) })
		if err != nil {
			return err
		}
		return rep.Write(stdout, *details)
	}
	if *data == "" {
		return usageError{"--data is required"}
	}
	switch args[0] {
	case "entities":
		off, err := entities.NewOffline()
		if err != nil {
			return err
		}
		// Documents are tagged as Extract tags an article: names kept
		// consistent across it. Without markers or --docs the articles
		// are guessed from their titles (--sentences: none). A file that
		// splits hyphenated words has them joined again for the English
		// tagger (TagDocFor).
		sents, err := nereval.ReadFile(*data)
		if err != nil {
			return err
		}
		toks := make([][]string, len(sents))
		for i, s := range sents {
			toks[i] = s.Tokens
		}
		rep, err := nereval.RunDocs(*data, nereval.Segmentation{StartsFile: *docs, Sentences: *sentences}, *lang, off.TagDocFor(toks))
		if err != nil {
			return err
		}
		return rep.Write(stdout)
	case "summaries":
		if *headlines {
			rep, err := sumeval.EvalHeadlinesFile(*data)
			if err != nil {
				return err
			}
			return rep.Write(stdout)
		}
		rep, err := sumeval.EvalFile(*data)
		if err != nil {
			return err
		}
		return rep.Write(stdout)
	}
	return usageError{fmt.Sprintf("unknown evaluation %q: want entities or summaries", args[0])}
}

const dlqUsage = `usage: newsbrief dlq list [--json]   (--json: JSON Lines, one dead letter per line)
       newsbrief dlq retry SEQ...|ID... | --all

Lists dead letters (messages a stage gave up on, with the reason) or puts
them back on their subject. Talks to NATS directly: NATS_URL, or the local
embedded server at NEWSBRIEF_NATS_ADDR.

Examples:
  newsbrief dlq list
  newsbrief dlq retry 12 13
  newsbrief dlq retry e3372425cdb769e163613984ecff4208
  NATS_URL=nats://nats:4222 newsbrief dlq retry --all`

// dlq lists and re-injects dead letters; it talks to NATS directly.
func dlq(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 && wantsHelp(args[:1]) {
		fmt.Fprintln(stdout, dlqUsage)
		return nil
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "retry") {
		return usageError{dlqUsage}
	}
	fs := flag.NewFlagSet("dlq", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "list as JSON Lines (one dead letter per line)")
	all := fs.Bool("all", false, "retry every dead letter")
	c, err := service.Load(fs, args[1:], getenv, "")
	if err != nil {
		return flagError(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	b, err := connectTool(ctx, c, "dlq", stderr)
	if err != nil {
		return err
	}
	defer b.Close()
	dls, err := b.DeadLetters(ctx, 0)
	if err != nil {
		return err
	}
	if args[0] == "list" {
		if *asJSON {
			// JSON Lines: one dead letter per line, like every list.
			enc := json.NewEncoder(stdout)
			for _, d := range dls {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tSTAGE\tARTICLE\tDELIVERIES\tFAILED AT\tREASON")
		for _, d := range dls {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%.100s\n", d.Seq, d.Stage, d.ID, d.Deliveries, d.FailedAt.Format(time.RFC3339), firstLine(d.Reason))
		}
		return tw.Flush()
	}
	var seqs []uint64
	if *all {
		for _, d := range dls {
			seqs = append(seqs, d.Seq)
		}
	}
	for _, a := range fs.Args() {
		if n, err := strconv.ParseUint(a, 10, 64); err == nil {
			seqs = append(seqs, n)
			continue
		}
		// An article id: every dead letter of that article.
		found := false
		for _, d := range dls {
			if d.ID == a {
				seqs, found = append(seqs, d.Seq), true
			}
		}
		if !found {
			return fmt.Errorf("no dead letter for %q (give a SEQ or an article id from `dlq list`)", a)
		}
	}
	if len(seqs) == 0 {
		return usageError{"nothing to retry: give SEQ numbers or article ids (from `dlq list`) or --all"}
	}
	for _, s := range seqs {
		d, err := b.RetryDeadLetter(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "retried %d: article %s back on %s\n", s, d.ID, d.FailedSubject)
	}
	return nil
}

// connectTool connects a command-line tool straight to NATS: NATS_URL, or
// the address of the local server's embedded NATS. Only errors are logged.
func connectTool(ctx context.Context, c service.Config, name string, stderr io.Writer) (*bus.Bus, error) {
	if c.NATSURL == "" {
		c.NATSURL = "nats://" + c.NATSAddr
		// The local all-in-one's embedded server: its credentials.
		user, password, err := c.EmbeddedAuth()
		if err != nil {
			return nil, err
		}
		c.NATSUser, c.NATSPassword = user, password
	}
	c.LogLevel = "error"
	return service.Connect(ctx, c, name, c.Logger(stderr))
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
