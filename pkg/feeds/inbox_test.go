//go:build unix

package feeds

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestInboxSymlinkSwap: a name listed as a regular file and swapped for a
// symbolic link (or a hard link) to a private file before it is read is not
// submitted, and the entry is logged (issue #13, item 8: the inbox checked
// the type from ReadDir, then os.ReadFile followed the link).
func TestInboxSymlinkSwap(t *testing.T) {
	dir, private := t.TempDir(), filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(private, []byte("SECRET "+long), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	fs := &fakeSubmit{}
	in := &Inbox{Dir: dir, Submit: fs.submit, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := in.init(); err != nil {
		t.Fatal(err)
	}
	for _, swap := range []struct {
		name string
		link func(old, new string) error
	}{{"symlink.txt", os.Symlink}, {"hardlink.txt", os.Link}} {
		p := filepath.Join(dir, swap.name)
		// Listed as a regular file...
		if err := os.WriteFile(p, []byte(long), 0o644); err != nil {
			t.Fatal(err)
		}
		// ...then swapped before the read.
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := swap.link(private, p); err != nil {
			t.Fatal(err)
		}
		in.file(context.Background(), swap.name)
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: the swapped entry was moved: %v", swap.name, err)
		}
	}
	// A FIFO is listed as such and ignored; open would block without O_NONBLOCK.
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	in.file(context.Background(), "pipe.txt")
	if err := in.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range fs.subs {
		if strings.Contains(s.Body, "SECRET") {
			t.Errorf("a private file was submitted through a link: %.40q", s.Body)
		}
	}
	if len(fs.subs) != 0 {
		t.Errorf("%d submissions, want none", len(fs.subs))
	}
	for _, name := range []string{"symlink.txt", "hardlink.txt", "pipe.txt"} {
		if n := strings.Count(logs.String(), "file="+name); n != 1 {
			t.Errorf("%s logged %d times as ignored, want once:\n%s", name, n, logs.String())
		}
	}
}
