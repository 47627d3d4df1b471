// Command testlog reads `go test -json` on stdin, prints the tests' output as
// `go test` would, then lists every skipped test with its reason. It exits 1
// if a test skipped for want of the shared data (internal/shared's
// MissingMsg) while NEWSBRIEF_CI_NO_SHARED is not 1, or if any test failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/internal/shared"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Getenv("NEWSBRIEF_CI_NO_SHARED") == "1"))
}

func run(in io.Reader, out io.Writer, noShared bool) int {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	outputs := map[string]*strings.Builder{} // per test, for the skip reason
	var skips, failed []string
	bad, passed := 0, 0
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(out, sc.Text()) // build errors and the like
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			fmt.Fprint(out, e.Output)
			if e.Test != "" {
				b := outputs[key]
				if b == nil {
					b = &strings.Builder{}
					outputs[key] = b
				}
				if b.Len() < 4096 {
					b.WriteString(e.Output)
				}
			}
		case "skip":
			if e.Test == "" {
				continue
			}
			reason := ""
			if b := outputs[key]; b != nil {
				reason = skipReason(b.String())
			}
			line := fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason)
			if strings.Contains(reason, shared.MissingMsg) && !noShared {
				line = "!! " + line
				bad++
			}
			skips = append(skips, line)
		case "pass":
			if e.Test != "" {
				passed++
			}
		case "fail":
			if e.Test != "" {
				failed = append(failed, key)
			}
		}
		if e.Action != "output" && e.Test == "" {
			delete(outputs, key)
		}
	}
	sort.Strings(skips)
	fmt.Fprintf(out, "\n== %d skipped tests\n%s\n", len(skips), strings.Join(skips, "\n"))
	// The plain closing line CI readers look for (tests and subtests).
	defer fmt.Fprintf(out, "tests: %d passed, %d failed, %d skipped\n", passed, len(failed), len(skips))
	if bad > 0 {
		fmt.Fprintf(out, "!! %d tests skipped because the shared data is missing: CI has it beside the clone\n", bad)
		return 1
	}
	if len(failed) > 0 {
		fmt.Fprintf(out, "!! %d tests failed\n", len(failed))
		return 1
	}
	return 0
}

// skipReason is the last non-framework line of a skipped test's output.
func skipReason(s string) string {
	reason := ""
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		reason = l
	}
	return reason
}
