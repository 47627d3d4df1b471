package shared

import (
	"fmt"
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	for _, tc := range []struct {
		pkg, test string
		ok        bool
	}{
		{"pkg/entities", "TestEvaluation", true},
		{"pkg/entities", "TestEvaluation/it_kind", true},
		{"pkg/entities", "BenchmarkExtractSeed", true},
		{"pkg/entities", "TestExtractCases", false},
		{"test/faults", "TestNATSRestart", false},
		{"services/newsbrief", "TestEndToEnd", false},
		{"pkg/summarise", "TestEvalGUM", true},    // TestEval… anywhere
		{"pkg/summarise", "TestSweepLOO", true},   // TestSweep… anywhere
		{"pkg/summarise", "TestGoldenAll", false}, // another package's golden test
	} {
		err := allowed(tc.pkg, tc.test)
		if (err == nil) != tc.ok {
			t.Errorf("allowed(%q, %q) = %v, want ok=%v", tc.pkg, tc.test, err, tc.ok)
		}
	}
}

func TestCallerPackage(t *testing.T) {
	if got := callerPackage(); got != "internal/shared" {
		t.Errorf("callerPackage() = %q, want internal/shared", got)
	}
}

func TestDataDirEnvMissing(t *testing.T) {
	t.Setenv("NEWSBRIEF_SHARED_DATA", t.TempDir()+"/nope")
	if d, ok := DataDir(); ok {
		t.Errorf("DataDir() = %q, true for a missing directory", d)
	}
}

// TestNotAnEvaluation: a test outside the list that asks for the shared
// data fails even when the data is there.
func TestNotAnEvaluation(t *testing.T) {
	t.Setenv("NEWSBRIEF_SHARED_DATA", t.TempDir())
	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		Path(ft, "seed")
	}()
	if !ft.failed || !strings.Contains(ft.msg, "not an evaluation") {
		t.Errorf("Path from a non-evaluation: failed=%v msg=%q", ft.failed, ft.msg)
	}
}

type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return "TestSomethingOrdinary" }
func (f *fakeTB) Fatal(args ...any) {
	f.failed, f.msg = true, fmt.Sprint(args...)
	panic("fatal") // stands for runtime.Goexit
}
