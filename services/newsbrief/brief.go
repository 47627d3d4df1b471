package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/render"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// briefCmd runs detection, entities and summary in-process, without NATS.
func briefCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("brief", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", "force the language (skip detection)")
	jsonl := fs.Bool("jsonl", false, "read one article JSON per line, write one brief JSON per line")
	format := fs.String("format", "json", "json, md or text (with --jsonl always JSON lines)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newsbrief brief [flags] FILE|-\n\nBriefs an article in this process: no server, no NATS.\n\nExamples:\n  newsbrief brief --format md article.txt\n  newsbrief brief --jsonl < articles.jsonl > briefs.jsonl")
		fs.PrintDefaults()
	}
	// Flags may come after the file name.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError{"give one FILE, or - for standard input"}
	}
	c, err := service.Load(flag.NewFlagSet("config", flag.ContinueOnError), nil, getenv, "")
	if err != nil {
		return err
	}
	c.LogLevel = "warn"
	p, err := buildPipeline(c, getenv, c.Logger(stderr))
	if err != nil {
		return err
	}
	var in io.Reader = stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	if !*jsonl {
		data, err := io.ReadAll(io.LimitReader(in, int64(c.MaxBytes)*4))
		if err != nil {
			return err
		}
		ct := ""
		if strings.HasSuffix(pos[0], ".html") || strings.HasSuffix(pos[0], ".htm") {
			ct = "text/html"
		}
		br, err := p.Process(ctx, pipeline.Raw{Data: data, ContentType: ct}, *lang)
		if err != nil {
			return err
		}
		return render.Brief(stdout, br, *format)
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 4*c.MaxBytes+1024)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		br, err := p.Process(ctx, pipeline.Raw{Data: line, ContentType: "application/json"}, *lang)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "line %d: %v\n", n, err)
			_ = enc.Encode(map[string]any{"line": n, "error": err.Error()})
			continue
		}
		if err := enc.Encode(br); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d articles could not be briefed", failed)
	}
	return nil
}
