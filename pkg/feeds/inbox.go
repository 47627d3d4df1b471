package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/newsbrief/newsbrief/pkg/pipeline"
)

// Inbox watches a directory for article files and submits each one: .json
// (a Submission), .html/.htm (a page) or anything else as plain text. A
// submitted file moves to <Dir>/done/; one that is refused moves to
// <Dir>/failed/ with a .err file beside it saying why. Hidden files and
// files changed in the last Settle are left alone (they may still be being
// written). Anything but a regular file (a symbolic link, a directory, a
// FIFO) is ignored and logged once: files are opened without following
// links and checked after the open, so swapping a name for a link to a
// private file between the listing and the read cannot publish it. The
// directory is polled, not watched with inotify, so that it
// works on every file system and adds no dependency.
type Inbox struct {
	Dir      string
	Interval time.Duration // default 2s
	Settle   time.Duration // default 1s
	MaxBytes int           // default 2 MiB
	Submit   Submit
	Log      *slog.Logger
	// OnFile, if set, is told each file's result: queued, rejected or error.
	OnFile func(result string)

	mu      sync.Mutex
	ignored map[string]bool // names already logged as ignored
}

// Run polls the directory every Interval until ctx is done.
func (in *Inbox) Run(ctx context.Context) error {
	if err := in.init(); err != nil {
		return err
	}
	in.Log.Info("inbox watching", "dir", in.Dir, "interval", in.Interval.String())
	t := time.NewTicker(in.Interval)
	defer t.Stop()
	for {
		if err := in.Scan(ctx); err != nil {
			in.Log.Warn("scanning inbox", "dir", in.Dir, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (in *Inbox) init() error {
	if in.Interval <= 0 {
		in.Interval = 2 * time.Second
	}
	if in.Settle <= 0 {
		in.Settle = time.Second
	}
	if in.MaxBytes <= 0 {
		in.MaxBytes = 2 << 20
	}
	if in.Log == nil {
		in.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, d := range []string{in.Dir, filepath.Join(in.Dir, "done"), filepath.Join(in.Dir, "failed")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating inbox directory: %w", err)
		}
	}
	return nil
}

// Scan submits every settled file in the directory once.
func (in *Inbox) Scan(ctx context.Context) error {
	if err := in.init(); err != nil {
		return err
	}
	entries, err := os.ReadDir(in.Dir)
	if err != nil {
		return fmt.Errorf("reading inbox: %w", err)
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return nil
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") {
			continue
		}
		if e.IsDir() {
			if name != "done" && name != "failed" {
				in.ignore(name, "a directory")
			}
			continue
		}
		if !e.Type().IsRegular() {
			in.ignore(name, "not a regular file ("+e.Type().String()+")")
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < in.Settle {
			continue
		}
		in.file(ctx, name)
	}
	return nil
}

// errNotRegular: the name was swapped for a symbolic link, a hard link or
// something other than a file between the listing and the open.
var errNotRegular = errors.New("not a regular file")

// ignore logs, once per name, an entry the inbox leaves alone.
func (in *Inbox) ignore(name, why string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.ignored == nil || len(in.ignored) > 10_000 {
		in.ignored = map[string]bool{}
	}
	if in.ignored[name] {
		return
	}
	in.ignored[name] = true
	in.Log.Warn("inbox entry ignored", "file", name, "why", why)
}

// read opens path without following a symbolic link and checks the opened
// file itself (not the name, which may have changed since the listing): a
// regular file with one link, of at most MaxBytes.
func (in *Inbox) read(path string) ([]byte, error) {
	f, err := openNoFollow(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s", errNotRegular, st.Mode().Type())
	}
	if links(st) > 1 {
		return nil, fmt.Errorf("%w: it has %d hard links", errNotRegular, links(st))
	}
	if st.Size() > int64(in.MaxBytes) {
		return nil, fmt.Errorf("file is %d bytes, more than the %d allowed", st.Size(), in.MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(in.MaxBytes)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > in.MaxBytes {
		return nil, fmt.Errorf("file is more than the %d bytes allowed", in.MaxBytes)
	}
	return data, nil
}

func (in *Inbox) file(ctx context.Context, name string) {
	path := filepath.Join(in.Dir, name)
	var id string
	data, err := in.read(path)
	if errors.Is(err, errNotRegular) {
		in.ignore(name, err.Error())
		return
	}
	if err == nil {
		id, err = in.Submit(ctx, pipeline.Raw{Data: data, ContentType: contentType(name)})
	}
	if errors.Is(err, ErrRetry) || ctx.Err() != nil {
		in.Log.Warn("submitting inbox file; will retry", "file", name, "err", err)
		in.report("error")
		return
	}
	if err != nil {
		in.report("rejected")
		in.Log.Info("inbox file refused", "file", name, "err", err)
		dst := free(filepath.Join(in.Dir, "failed", name))
		if mvErr := os.Rename(path, dst); mvErr != nil {
			in.Log.Error("moving inbox file", "file", name, "err", mvErr)
			return
		}
		_ = os.WriteFile(dst+".err", []byte(err.Error()+"\n"), 0o644)
		return
	}
	in.report("queued")
	in.Log.Info("inbox file submitted", "id", id, "stage", "inbox", "file", name)
	if mvErr := os.Rename(path, free(filepath.Join(in.Dir, "done", name))); mvErr != nil {
		in.Log.Error("moving inbox file", "file", name, "err", mvErr)
	}
}

func (in *Inbox) report(r string) {
	if in.OnFile != nil {
		in.OnFile(r)
	}
}

func contentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "application/json"
	case ".html", ".htm":
		return "text/html"
	}
	return "text/plain; charset=utf-8"
}

// free returns path, or path with a number added if it exists.
func free(path string) string {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return path
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for i := 1; ; i++ {
		p := fmt.Sprintf("%s.%d%s", base, i, ext)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}
