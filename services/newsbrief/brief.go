package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/gateway"
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
	format := fs.String("format", "json", "json, md or text (with --jsonl always JSON Lines)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: newsbrief brief [flags] [FILE|-]

Briefs an article in this process: no server, no NATS. With no FILE,
standard input is read when it is not a terminal. --jsonl reads one article
JSON per line and writes one brief per line (JSON Lines; a line that fails
gives {"line":N,"error":"..."}). Input is bounded like the server's
(NEWSBRIEF_MAX_BYTES per article).

Examples:
  newsbrief brief --format md article.txt
  newsbrief brief --lang it < article.txt
  newsbrief brief --jsonl < articles.jsonl > briefs.jsonl

Flags:
`)
		fs.PrintDefaults()
	}
	// Flags may come after the file name.
	if err := parseInterleaved(fs, args); err != nil {
		return flagError(err)
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	pos := fs.Args()
	switch {
	case len(pos) > 1:
		fs.Usage()
		return usageError{"give one FILE, - or nothing for standard input"}
	case len(pos) == 0 && !stdinGiven(stdin):
		fs.Usage()
		return usageError{"give a FILE, or pipe an article to standard input"}
	case len(pos) == 0:
		pos = []string{"-"}
	}
	c, err := service.Load(flag.NewFlagSet("config", flag.ContinueOnError), nil, getenv, "")
	if err != nil {
		return err
	}
	c.LogLevel = "warn"
	p, err := buildPipeline(c, c.Logger(stderr))
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(pos[0], stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	name := pos[0]
	if name == "-" {
		name = "standard input"
	}
	if !*jsonl {
		data, err := readLimited(ctx, in, c.MaxBytes)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
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
	limit := int(gateway.RequestLimit(c.MaxBytes))
	sc := bufio.NewScanner(ctxReader{ctx, in})
	sc.Buffer(make([]byte, 64<<10), limit+1)
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
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s: %w: a line is longer than %d bytes (NEWSBRIEF_MAX_BYTES=%d)", name, errTooLarge, limit, c.MaxBytes)
		}
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if failed > 0 {
		return fmt.Errorf("%d articles could not be briefed", failed)
	}
	return nil
}
