// Package shared finds the team's shared data folder (../shared/data beside
// the repository) for tests and evaluations. The project never ships that
// data; it only reads it when it is there.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// DataDir returns the shared data folder: $NEWSBRIEF_SHARED_DATA if set,
// otherwise the first shared/data found walking up from the working
// directory.
func DataDir() (string, bool) {
	if d := os.Getenv("NEWSBRIEF_SHARED_DATA"); d != "" {
		return d, true
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		cand := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Path returns a file under the shared data folder, or skips the test with a
// clear message when the folder is absent.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	dir, ok := DataDir()
	if !ok {
		t.Skip("shared data not found (set NEWSBRIEF_SHARED_DATA or keep ../shared/data beside the repo)")
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}
