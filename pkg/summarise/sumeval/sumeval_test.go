package sumeval

import (
	"bufio"
	"encoding/json"
	"os"
	"time"

	"bytes"
	"errors"
	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/summarise"
	"strings"
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

func TestEvalFileOwn(t *testing.T) {
	rep, err := EvalFile("testdata/pairs.jsonl")
	if err != nil {
		t.Fatalf("EvalFile: %v", err)
	}
	if rep.Pairs != 4 || rep.Langs["it"] != 2 || rep.Langs["en"] != 2 {
		t.Errorf("got %d pairs %v, want 4 (it=2 en=2)", rep.Pairs, rep.Langs)
	}
	for _, name := range []string{Offline, Lead3, Lead3Skip} {
		m, ok := rep.Systems[name]
		if !ok || m.R1 <= 0 || m.R1 > 1 || m.RL <= 0 || m.RL > 1 {
			t.Errorf("system %s: got %+v, want scores in (0,1]", name, m)
		}
	}
	var b bytes.Buffer
	if err := rep.Write(&b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, want := range []string{"ROUGE-1", "offline", "lead-3", "4 pairs"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	t.Logf("\n%s", b.String())
}

func TestRead(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		wantErr  error
	}{
		{"one", `{"article":"a b.","reference":"a","lang":"en"}`, 1, nil},
		{"blank lines", "\n" + `{"article":"a b.","reference":"a"}` + "\n\n", 1, nil},
		{"empty", "", 0, ErrNoPairs},
		{"bad json", "{", 0, nil},
		{"missing reference", `{"article":"a"}`, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.in))
			if tt.n > 0 {
				if err != nil || len(got) != tt.n {
					t.Fatalf("Read: got %d pairs, err %v; want %d", len(got), err, tt.n)
				}
				return
			}
			if err == nil {
				t.Fatalf("Read: got nil error, want one")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Read: got %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := EvalFile("testdata/does-not-exist.jsonl"); err == nil {
		t.Errorf("EvalFile on a missing file: got nil error")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(`{"article":"a b.","reference":"a","lang":"en"}`)
	f.Add("{\n")
	f.Fuzz(func(t *testing.T, in string) {
		pairs, err := Read(strings.NewReader(in))
		if err == nil {
			_ = Eval(pairs)
		}
	})
}

func TestEvalHeadlinesOwn(t *testing.T) {
	rep, err := EvalHeadlinesFile("testdata/titled.jsonl")
	if err != nil {
		t.Fatalf("EvalHeadlinesFile: %v", err)
	}
	var b bytes.Buffer
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b.String())
	if rep.Articles != 4 || rep.Acceptable != 4 || rep.Ellipsis != 0 || rep.Furniture != 0 || rep.TooLong != 0 {
		t.Errorf("got %+v, want 4 articles, all acceptable, no ellipsis or furniture", rep)
	}
	if rep.RL <= 0 || rep.RL > 1 {
		t.Errorf("ROUGE-L %v out of (0,1]", rep.RL)
	}
}

func TestAcceptable(t *testing.T) {
	tests := []struct {
		headline, title string
		want            bool
	}{
		{"A federal judge on Thursday approved a $1.5 billion settlement", "Judge approves $1.5 billion copyright settlement between Anthropic and authors", true},
		{"PosteMobile si appresta a cambiare rete di appoggio", "PosteMobile passa a TIM: rivoluzione nella telefonia mobile italiana", false},
		{"Cloudflare restored service after a three-hour outage", "Cloudflare outage knocks websites offline", true},
		{"The outage has already impacted thousands of users", "Cloudflare outage knocks websites offline", false},
		{"A storm caused a crane to fall into Mecca's Grand Mosque, killing 107", "At least 107 killed in Mecca crane collapse", true},
	}
	for _, tt := range tests {
		if got := Acceptable(tt.headline, tt.title); got != tt.want {
			t.Errorf("Acceptable(%q, %q) = %v, want %v", tt.headline, tt.title, got, tt.want)
		}
	}
}

// TestNoFurnitureInBriefs: page furniture in our own test articles (a
// byline, a dateline, a related-article line) reaches no headline, summary
// or key point once ingest has normalised the text.
func TestNoFurnitureInBriefs(t *testing.T) {
	f, err := os.Open("testdata/titled.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it Titled
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		a, err := ingest.Normalise(news.Submission{Body: it.Body}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		r := summarise.Offline(a.Title, a.Body, it.Lang, nil)
		for _, text := range append([]string{r.Headline, r.Summary}, r.KeyPoints...) {
			for _, m := range []string{"(AP)", "SAN FRANCISCO", "TORINO –", "di Mario Rossi", "Leggi anche"} {
				if strings.Contains(text, m) {
					t.Errorf("%q carries furniture %q", text, m)
				}
			}
		}
	}
}
