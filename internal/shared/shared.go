// Package shared finds the team's shared data folder (../shared/data beside
// the repository) for evaluations. The project never ships that data, and
// tests must run without it: only the evaluations listed in evals.go may read
// it (any other test that asks for it fails, data present or not), so a fresh
// clone exercises everything else on our own testdata (internal/corpus).
package shared

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// DataDir returns the shared data folder: $NEWSBRIEF_SHARED_DATA if set
// (and a directory), otherwise the first shared/data found walking up from
// the working directory.
func DataDir() (string, bool) {
	if d := os.Getenv("NEWSBRIEF_SHARED_DATA"); d != "" {
		st, err := os.Stat(d)
		return d, err == nil && st.IsDir()
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

// MissingMsg starts the message of every test skipped for want of the shared
// data, so CI logs can be searched for it.
const MissingMsg = "shared data not found"

// RequireEnv, set to 1 (CI does), turns an evaluation's skip for missing
// shared data into a failure.
const RequireEnv = "NEWSBRIEF_REQUIRE_SHARED"

// Path returns a file under the shared data folder. Only evaluations may
// call it (see evals.go): any other test fails. When the folder is absent an
// evaluation skips with MissingMsg, or fails when RequireEnv is 1.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	if err := allowed(callerPackage(), t.Name()); err != nil {
		t.Fatal(err)
	}
	dir, ok := DataDir()
	if !ok {
		msg := MissingMsg + " (set NEWSBRIEF_SHARED_DATA or keep ../shared/data beside the repo)"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s; %s=1 requires it", msg, RequireEnv)
		}
		t.Skip(msg)
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}

// callerPackage is the module-relative directory of the nearest _test.go
// file on the stack ("pkg/entities"), or "" if there is none.
func callerPackage() string {
	for i := 1; i < 32; i++ {
		_, file, _, ok := runtime.Caller(i)
		if !ok {
			break
		}
		if strings.HasSuffix(file, "_test.go") {
			return modulePath(filepath.Dir(file))
		}
	}
	return ""
}

// modulePath turns an absolute directory into a path relative to the module
// root (the nearest go.mod above it), with forward slashes.
func modulePath(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			rel, err := filepath.Rel(d, dir)
			if err != nil {
				return dir
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return filepath.ToSlash(dir)
		}
		d = parent
	}
}
