package sumeval

import (
	"bytes"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
)

func TestEvalGUM(t *testing.T) {
	path := shared.Path(t, "summaries", "en_gum_wikinews.jsonl")
	rep, err := EvalFile(path)
	if err != nil {
		t.Fatalf("EvalFile: %v", err)
	}
	var b bytes.Buffer
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	ours, lead := rep.Systems[Offline], rep.Systems[Lead3]
	const margin = 0.01
	if ours.R1 < lead.R1-margin {
		t.Errorf("ROUGE-1: offline %.4f < lead-3 %.4f - %.2f", ours.R1, lead.R1, margin)
	}
	if ours.RL < lead.RL-margin {
		t.Errorf("ROUGE-L: offline %.4f < lead-3 %.4f - %.2f", ours.RL, lead.RL, margin)
	}
}
