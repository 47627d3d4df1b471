package llm_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/llm"
	"github.com/newsbrief/newsbrief/pkg/llm/llmtest"
)

// sharedArticles reads the real articles (title, blank line, body).
func sharedArticles(t testing.TB) map[string][2]string {
	dir := shared.Path(t, "articles")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	files = append(files, shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	out := map[string][2]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		title, body, _ := strings.Cut(string(b), "\n\n")
		out[filepath.Base(f)] = [2]string{title, body}
	}
	if len(out) == 0 {
		t.Skip("no shared articles")
	}
	return out
}

// TestSharedArticlesHonestRepliesPass: a model that only copies the
// article (the llmtest grounded mode) must never be refused by the
// grounding checks, on every real article.
func TestSharedArticlesHonestRepliesPass(t *testing.T) {
	arts := sharedArticles(t)
	srv := llmtest.NewServer(llmtest.Options{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	failed, ents := 0, 0
	for name, a := range arts {
		lang := name[:2]
		if strings.HasPrefix(name, "it_amazon") {
			lang = "it"
		}
		if _, u, err := c.Brief(ctx, llm.BriefInput{ArticleID: name, Title: a[0], Body: a[1], Lang: lang}); err != nil || u.Calls != 1 {
			failed++
			t.Errorf("%s: brief refused: %v (notes %v)", name, err, u.Notes)
		}
		es, u, err := c.Entities(ctx, name, a[1], lang)
		if err != nil || u.DroppedUngrounded != 0 {
			t.Errorf("%s: entities: %v, dropped %d (notes %v)", name, err, u.DroppedUngrounded, u.Notes)
		}
		for _, e := range es {
			for _, m := range e.Mentions {
				if m.End > len(a[1]) || m.Start >= m.End {
					t.Fatalf("%s: bad mention %v", name, m)
				}
			}
		}
		ents += len(es)
	}
	t.Logf("%d articles, %d honest briefs refused, %d entities grounded", len(arts), failed, ents)
}

// TestSharedHumanSummariesGrounded measures the false-refusal rate of the
// brief grounding check on human-written one-sentence summaries (GUM):
// people paraphrase, so a few refusals are expected; the rate is logged
// and must stay low.
func TestSharedHumanSummariesGrounded(t *testing.T) {
	f, err := os.ReadFile(shared.Path(t, "summaries", "en_gum_wikinews.jsonl"))
	if err != nil {
		t.Skipf("summaries: %v", err)
	}
	total, refused := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var rec struct {
			ID, Title, Article string
			References         []string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		for _, ref := range rec.References {
			total++
			if v := llm.Ground(llm.BriefOutput{Summary: ref}, rec.Title, rec.Article, nil); len(v) > 0 {
				refused++
				t.Logf("%s: %v", rec.ID, v)
			}
		}
	}
	t.Logf("human summaries refused: %d of %d", refused, total)
	if refused*5 > total {
		t.Errorf("grounding refused %d of %d human summaries, want under 20%%", refused, total)
	}
}
