package main

import (
	"strings"
	"testing"
)

const skipShared = `{"Action":"run","Package":"p","Test":"TestEval"}
{"Action":"output","Package":"p","Test":"TestEval","Output":"=== RUN   TestEval\n"}
{"Action":"output","Package":"p","Test":"TestEval","Output":"    eval_test.go:9: shared data not found (set NEWSBRIEF_SHARED_DATA)\n"}
{"Action":"output","Package":"p","Test":"TestEval","Output":"--- SKIP: TestEval (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestEval"}
`

const skipDocker = `{"Action":"output","Package":"d","Test":"TestCompose","Output":"    e2e_test.go:9: no Docker engine reachable\n"}
{"Action":"skip","Package":"d","Test":"TestCompose"}
{"Action":"pass","Package":"d"}
`

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		noShared bool
		want     int
		has      string
	}{
		{"shared skip fails", skipShared, false, 1, "!! p TestEval: eval_test.go:9: shared data not found"},
		{"shared skip allowed without shared", skipShared, true, 0, "p TestEval"},
		{"other skips pass", skipDocker, false, 0, "d TestCompose: e2e_test.go:9: no Docker engine reachable"},
		{"a failure fails", `{"Action":"fail","Package":"p","Test":"TestX"}` + "\n", false, 1, "1 tests failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if got := run(strings.NewReader(tc.in), &out, tc.noShared); got != tc.want || !strings.Contains(out.String(), tc.has) {
				t.Errorf("run = %d, want %d; output lacks %q:\n%s", got, tc.want, tc.has, out.String())
			}
		})
	}
}
