package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/render"
	"github.com/newsbrief/newsbrief/pkg/tracing"
)

// client talks to a running newsbrief over its HTTP API.
type client struct {
	base  string
	token string
	http  *http.Client
}

func clientFlags(fs *flag.FlagSet, getenv func(string) string) *client {
	c := &client{http: &http.Client{Timeout: 60 * time.Second}, token: getenv("NEWSBRIEF_API_TOKEN")}
	def := getenv("NEWSBRIEF_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&c.base, "server", def, "newsbrief HTTP API [NEWSBRIEF_URL]")
	return c
}

// apiError is a non-2xx answer with the API's JSON error message.
type apiError struct {
	Code int
	Msg  string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Msg) }

func (c *client) do(ctx context.Context, method, path, contentType string, body io.Reader, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.base, "/")+path, body)
	if err != nil {
		return 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if method == "POST" {
		// A new trace per submission, carried through every stage.
		tracing.Inject(ctx, req.Header)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("is newsbrief running at %s? %w", c.base, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return resp.StatusCode, &apiError{resp.StatusCode, e.Error}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decoding answer from %s: %w", path, err)
		}
	}
	return resp.StatusCode, nil
}

const submitUsage = `usage: newsbrief submit [flags] [FILE|URL|- ...]

Queues articles: text, HTML or JSON files, http(s) URLs, or - for standard
input. With no FILE, standard input is read when it is not a terminal
(newsbrief submit < article.txt, cat article.txt | newsbrief submit).
Each input is read up to the server's limit (NEWSBRIEF_MAX_BYTES, 1 MiB by
default, twice that for JSON); a larger one is refused before it is sent.

Output: without --wait, one line per article on standard output:
ID<TAB>INPUT<TAB>queued|duplicate (STATUS). With --wait those lines go to
standard error and standard output carries only the briefs, in --format:
json is JSON Lines (one brief per line, ready for jq), md or text.
Progress for many inputs is shown on standard error when it is a terminal.

Examples:
  newsbrief submit article.txt other.html https://example.com/news/2
  newsbrief submit --wait --format md article.txt
  cat article.txt | newsbrief submit --wait --format json | jq .headline

Flags:`

func submit(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := clientFlags(fs, getenv)
	wait := fs.Bool("wait", false, "wait for each brief and print it on standard output")
	format := fs.String("format", "text", "with --wait: json (JSON Lines), md or text")
	timeout := fs.Duration("timeout", 2*time.Minute, "with --wait: how long to wait for each brief")
	lang := fs.String("lang", "", "language hint sent with each article")
	quiet := fs.Bool("q", false, "no progress or summary on standard error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), submitUsage)
		fs.PrintDefaults()
	}
	if err := parseInterleaved(fs, args); err != nil {
		return flagError(err)
	}
	maxBytes, err := maxBytesFromEnv(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		if !stdinGiven(stdin) {
			fs.Usage()
			return usageError{"nothing to submit: give files, URLs or -, or pipe an article to standard input"}
		}
		// Empty standard input (</dev/null, a cron job) is nothing to
		// submit, not an empty article.
		data, err := readLimited(ctx, stdin, maxBytes)
		if err != nil {
			return fmt.Errorf("standard input: %w", err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			fs.Usage()
			return usageError{"nothing to submit: standard input is empty; give files, URLs or -"}
		}
		stdin, inputs = bytes.NewReader(data), []string{"-"}
	}
	// With --wait the briefs are the output; the id lines are status.
	idw := stdout
	if *wait {
		idw = stderr
	}
	briefFormat := *format
	if briefFormat == "json" {
		briefFormat = "jsonl"
	}
	bar := !*quiet && len(inputs) > 1 && isTerminal(stderr)
	var ok, dup, failed int
	start := time.Now()
	for i, in := range inputs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		data, ct, err := readInput(ctx, in, stdin, *lang, maxBytes)
		if err == nil {
			var res gateway.Submitted
			_, err = c.do(ctx, "POST", "/v1/articles", ct, bytes.NewReader(data), &res)
			if err == nil {
				note := "queued"
				if res.Duplicate {
					note, dup = "duplicate ("+res.Status+")", dup+1
				} else {
					ok++
				}
				if bar {
					fmt.Fprint(stderr, "\r\033[K") // clear the progress bar's line
				}
				fmt.Fprintf(idw, "%s\t%s\t%s\n", res.ID, in, note)
				if *wait {
					if werr := waitBrief(ctx, c, res.ID, *timeout, briefFormat, stdout); werr != nil {
						fmt.Fprintf(stderr, "%s: %v\n", in, werr)
						failed++
					}
				}
			}
		}
		if err != nil {
			failed++
			if bar {
				fmt.Fprint(stderr, "\r\033[K")
			}
			fmt.Fprintf(stderr, "%s: %v\n", in, err)
		}
		if bar {
			progress(stderr, i+1, len(inputs), start)
		}
	}
	if len(inputs) > 1 && !*quiet {
		if bar {
			fmt.Fprintln(stderr)
		}
		fmt.Fprintf(stderr, "submitted %d, duplicates %d, failed %d in %s\n", ok, dup, failed, time.Since(start).Round(time.Millisecond))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d failed", failed, len(inputs))
	}
	return nil
}

// checkFormat refuses a --format render.Brief does not know, before any
// work is done.
func checkFormat(f string) error {
	if !slices.Contains(render.Formats, f) {
		return usageError{fmt.Sprintf("unknown --format %q (want %s)", f, strings.Join(render.Formats, ", "))}
	}
	return nil
}

// parseInterleaved parses flags that may come before or after the
// positional arguments (`submit a.txt --wait`); fs.Args() then holds the
// positional ones, in order. "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// fs.Parse stops at the first non-flag, or after "--".
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// progress draws a one-line progress bar; only for a terminal.
func progress(w io.Writer, done, total int, start time.Time) {
	const width = 30
	n := done * width / total
	rate := float64(done) / time.Since(start).Seconds()
	fmt.Fprintf(w, "\r[%s%s] %d/%d %.1f/s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, rate)
}

// readInput returns the body and content type to POST for one argument,
// read through the server's request limit. Standard input's content type is
// left to the server to recognise (JSON, HTML or text).
func readInput(ctx context.Context, in string, stdin io.Reader, lang string, maxBytes int) ([]byte, string, error) {
	if strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://") {
		data, err := json.Marshal(news.Submission{URL: in, Language: lang})
		return data, "application/json", err
	}
	r, closeIn, err := openInput(in, stdin)
	if err != nil {
		return nil, "", err
	}
	defer closeIn()
	data, err := readLimited(ctx, r, maxBytes)
	if err != nil {
		return nil, "", err
	}
	ct := "text/plain; charset=utf-8"
	switch strings.ToLower(filepath.Ext(in)) {
	case ".json":
		return data, "application/json", nil
	case ".html", ".htm":
		return data, "text/html", nil
	}
	if in == "-" {
		ct = ""
	}
	if lang != "" && (ct != "" || !looksJSON(data)) {
		data, err = json.Marshal(news.Submission{Body: string(data), Language: lang})
		return data, "application/json", err
	}
	return data, ct, nil
}

func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// waitBrief polls an article's status until it settles, then prints the brief.
func waitBrief(ctx context.Context, c *client, id string, timeout time.Duration, format string, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for delay := 50 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		var st news.Status
		_, err := c.do(ctx, "GET", "/v1/articles/"+id, "", nil, &st)
		if err != nil {
			return err
		}
		switch st.Status {
		case news.StatusBriefed:
			var br news.Brief
			if _, err := c.do(ctx, "GET", "/v1/briefs/"+id, "", nil, &br); err != nil {
				return err
			}
			return render.Brief(w, br, format)
		case news.StatusRejected, news.StatusFailed:
			return fmt.Errorf("article %s %s at %s: %s", id, st.Status, st.Stage, st.Reason)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("article %s still %s after %s", id, st.Status, timeout)
		case <-time.After(delay):
		}
	}
}

func briefs(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("briefs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := clientFlags(fs, getenv)
	format := fs.String("format", "text", "text (one line per brief), md, or json: JSON Lines for a list, one JSON document for one ID")
	lang := fs.String("lang", "", "only this language")
	topic := fs.String("topic", "", "only this topic")
	entity := fs.String("entity", "", "only briefs naming this entity (knowledge-base id or name)")
	query := fs.String("q", "", "text search over headline, summary, key points and body, stemmed in each brief's language")
	since := fs.String("since", "", "only briefs published since: a duration back from now (48h) or an RFC 3339 time")
	until := fs.String("until", "", "only briefs published before: a duration back from now or an RFC 3339 time")
	sortBy := fs.String("sort", "created", "order, newest first: created or published")
	limit := fs.Int("limit", 20, "how many")
	follow := fs.Bool("follow", false, "keep printing new briefs as they arrive (Server-Sent Events)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: newsbrief briefs [flags] [ID]

Lists the latest briefs, newest first, or shows the brief with ID.
A list in --format json is JSON Lines: one brief (without its body) per
line, e.g. for jq or a line-by-line reader. With --follow it keeps running and prints each new brief as it is made; if
the stream drops (a gateway restart) it reconnects and catches up on the
briefs it missed.

Examples:
  newsbrief briefs                               # the 20 latest, one line each
  newsbrief briefs --lang it --topic ai --limit 5
  newsbrief briefs --entity OpenAI --format md
  newsbrief briefs --q investimenti --since 168h --sort published
  newsbrief briefs --format json | jq -r .headline
  newsbrief briefs --follow --format json        # a stream of JSON Lines
  newsbrief briefs 0f3c...e1 --format md         # one brief as Markdown

Flags:
`)
		fs.PrintDefaults()
	}
	// Accept flags after the ID too.
	if err := parseInterleaved(fs, args); err != nil {
		return flagError(err)
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) > 1 {
		return usageError{"give at most one ID"}
	}
	if len(pos) > 0 {
		var br news.Brief
		if _, err := c.do(ctx, "GET", "/v1/briefs/"+url.PathEscape(pos[0]), "", nil, &br); err != nil {
			return err
		}
		return render.Brief(stdout, br, *format)
	}
	q := url.Values{"lang": {*lang}, "topic": {*topic}, "entity": {*entity}, "q": {*query}, "limit": {fmt.Sprint(*limit)}}
	for k, v := range map[string]string{"since": *since, "until": *until, "sort": *sortBy} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var list gateway.BriefList
	if _, err := c.do(ctx, "GET", "/v1/briefs?"+q.Encode(), "", nil, &list); err != nil {
		return err
	}
	printList(stdout, list.Briefs, *format)
	if !*follow {
		return nil
	}
	last := ""
	if len(list.Briefs) > 0 {
		last = list.Briefs[0].ID // newest first
	}
	return followBriefs(ctx, c, q, *format, last, stdout, fs.Output())
}

// printList writes briefs of a list or a stream: text is one line per
// brief, json is JSON Lines.
func printList(w io.Writer, list []news.Brief, format string) {
	for _, br := range list {
		switch format {
		case "text":
			fmt.Fprintf(w, "%s  %s  %-5s %s\n", br.ID, br.CreatedAt.Local().Format("2006-01-02 15:04"), br.Language.Code, br.Headline)
		case "json":
			_ = render.Brief(w, br, "jsonl")
		default:
			_ = render.Brief(w, br, format)
		}
	}
}

// followBriefs reads the server-sent event stream of new briefs. It starts
// after lastID (the newest brief already printed), so a brief made between
// the listing and the stream is not missed, and when the stream drops (a
// gateway restart) it reconnects with Last-Event-ID and backs off up to 10 s.
func followBriefs(ctx context.Context, c *client, q url.Values, format, lastID string, w, errw io.Writer) error {
	q.Del("limit")
	wait := 500 * time.Millisecond
	for {
		got, err := streamBriefs(ctx, c, q, format, &lastID, w)
		if ctx.Err() != nil {
			return nil
		}
		var se statusError
		if errors.As(err, &se) && se.code >= 400 && se.code < 500 {
			return err
		}
		if got {
			wait = 500 * time.Millisecond
		}
		fmt.Fprintf(errw, "newsbrief: event stream ended (%v); reconnecting in %s\n", err, wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

type statusError struct {
	code   int
	status string
}

func (e statusError) Error() string { return "stream: " + e.status }

// streamBriefs reads one connection of the event stream, printing briefs and
// keeping *lastID current; got reports whether any event arrived.
func streamBriefs(ctx context.Context, c *client, q url.Values, format string, lastID *string, w io.Writer) (got bool, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(c.base, "/")+"/v1/briefs/stream?"+q.Encode(), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	if *lastID != "" {
		req.Header.Set("Last-Event-ID", *lastID)
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return false, statusError{resp.StatusCode, resp.Status}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			*lastID, got = id, true
			continue
		}
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var br news.Brief
		if json.Unmarshal([]byte(line), &br) == nil {
			printList(w, []news.Brief{br}, format)
		}
	}
	if err := sc.Err(); err != nil {
		return got, err
	}
	return got, io.EOF
}
