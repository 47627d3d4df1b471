package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/ingest"
)

// The command line reads its input the way Unix tools do: a file named on
// the command line, "-" for standard input, or standard input when nothing
// is named and it is not a terminal (`newsbrief brief < f`,
// `cat f | newsbrief submit`). Every read is bounded by the server's request
// limit (NEWSBRIEF_MAX_BYTES) and stops when the context is cancelled, so
// `newsbrief submit /dev/zero` ends with an error instead of filling memory.

// isTerminal reports whether f is an interactive terminal (a character
// device). Anything that is not an *os.File (a test's reader, a buffer) is
// not one.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok || file == nil {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// stdinGiven reports whether standard input should be read when the command
// line names no input: it is not a terminal. A nil reader is never read.
func stdinGiven(stdin io.Reader) bool {
	return stdin != nil && !isTerminal(stdin)
}

// errTooLarge is returned for input past the request limit.
var errTooLarge = errors.New("input too large")

// maxBytesFromEnv is NEWSBRIEF_MAX_BYTES as the server reads it (default
// 1 MiB); a value the server would refuse is an error here too.
func maxBytesFromEnv(getenv func(string) string) (int, error) {
	v := strings.TrimSpace(getenv("NEWSBRIEF_MAX_BYTES"))
	if v == "" {
		return ingest.DefaultMaxBytes, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1024 {
		return 0, fmt.Errorf("NEWSBRIEF_MAX_BYTES must be a whole number ≥ 1024, not %q", v)
	}
	return n, nil
}

// ctxReader stops reading once ctx is done (a signal): a fast source such
// as /dev/zero is read in chunks, and each chunk checks first.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// readLimited reads all of r, up to maxBytes' request limit
// (gateway.RequestLimit): more is errTooLarge. Callers name the input.
func readLimited(ctx context.Context, r io.Reader, maxBytes int) ([]byte, error) {
	limit := gateway.RequestLimit(maxBytes)
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: larger than %d bytes, the request limit for NEWSBRIEF_MAX_BYTES=%d (the server would answer 413); not sent", errTooLarge, limit, maxBytes)
	}
	return data, nil
}

// openInput opens a named input ("-" is stdin); close it when done.
func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is a directory", name)
	}
	return f, func() { f.Close() }, nil
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}
