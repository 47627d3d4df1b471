package shared

import (
	"fmt"
	"strings"
)

// evals lists, by package, the tests allowed to read ../shared/data: the
// evaluations (scores on labelled data, cross-validation, measurements),
// golden files over the real articles, and pkg/entities' checks against
// its reference implementations on the labelled sets (that package is being
// rewritten; its tests move to our own data with it). Each package's other tests
// run on its own testdata or internal/corpus. Benchmarks may read it too
// (measurements, never run by go test without -bench).
var evals = map[string][]string{
	"pkg/amount":            {"TestSeedArticle", "TestSharedArticles"},
	"pkg/entities":          {"TestEvaluation", "TestEnglishCrossValidation", "TestKINDDevDocs", "TestGUMDocs", "TestGoldenAll", "TestExtractSeedArticle", "TestTagMatchesReference", "TestGateKeepsTags", "TestDocCacheMatchesTag", "TestExtractConcurrent", "TestNormKeyMatchesReference", "TestTokenizeMatchesReference"},
	"pkg/ingest":            {"TestGolden"},
	"pkg/langdetect":        {"TestEvalDev", "TestProbe", "TestEvalSampleSize"},
	"pkg/llm":               {"TestSharedArticlesHonestRepliesPass", "TestSharedHumanSummariesGrounded"},
	"pkg/summarise":         {"TestGolden", "TestSweep"},
	"pkg/summarise/sumeval": {"TestEvalGUM"},
}

// evalPrefixes name tests that are evaluations by convention, in any
// package: benchmarks (never run without -bench), TestEval… (scores on
// labelled data) and TestSweep… (parameter sweeps).
var evalPrefixes = []string{"Benchmark", "TestEval", "TestSweep"}

// allowed reports whether test (a t.Name(), subtests included) of the
// package at module-relative directory pkg may read the shared data.
func allowed(pkg, test string) error {
	top, _, _ := strings.Cut(test, "/")
	for _, prefix := range evalPrefixes {
		if strings.HasPrefix(top, prefix) {
			return nil
		}
	}
	for _, name := range evals[pkg] {
		if name == top {
			return nil
		}
	}
	return fmt.Errorf("%s.%s reads ../shared/data but is not an evaluation: give it input of our own under testdata/ (see internal/corpus), or list it in internal/shared/evals.go if it really is one", pkg, top)
}
