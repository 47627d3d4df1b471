package nereval

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want []Span
	}{
		{"simple", []string{"B-PER", "I-PER", "O", "B-LOC"}, []Span{{0, 2, "PER"}, {3, 4, "LOC"}}},
		{"misc is O", []string{"B-MISC", "I-MISC", "B-ORG"}, []Span{{2, 3, "ORG"}}},
		{"stray I starts", []string{"O", "I-ORG", "I-ORG"}, []Span{{1, 3, "ORG"}}},
		{"type change", []string{"B-ORG", "I-LOC"}, []Span{{0, 1, "ORG"}, {1, 2, "LOC"}}},
		{"adjacent B", []string{"B-PER", "B-PER"}, []Span{{0, 1, "PER"}, {1, 2, "PER"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spans(tc.tags)
			if len(got) != len(tc.want) {
				t.Fatalf("Spans(%v) = %v, want %v", tc.tags, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("Spans(%v)[%d] = %v, want %v", tc.tags, i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadAndScore(t *testing.T) {
	in := "-DOCSTART-\tO\n\nSam\tB-PER\nAltman\tI-PER\nguida\tO\nOpenAI\tB-ORG\n\nRoma\tB-LOC\n"
	gold, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) != 2 {
		t.Fatalf("got %d sentences, want 2", len(gold))
	}
	tag := func(toks []string, _ string) []string {
		out := make([]string, len(toks))
		for i := range out {
			out[i] = "O"
		}
		if toks[0] == "Sam" {
			out[0], out[1], out[3] = "B-PER", "I-PER", "B-LOC" // one right, one wrong type
		}
		return out
	}
	r := Evaluate("x", gold, "it", tag)
	if r.Overall.TP != 1 || r.Overall.FP != 1 || r.Overall.FN != 2 {
		t.Errorf("counts = %+v, want TP 1 FP 1 FN 2", r.Overall)
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil || !strings.Contains(b.String(), "overall") {
		t.Errorf("Write = %q, %v", b.String(), err)
	}
}

func TestReadRejectsMalformed(t *testing.T) {
	if _, err := Read(strings.NewReader("lonelytoken\n")); err == nil {
		t.Error("want error for a line without a tag")
	}
}

func FuzzRead(f *testing.F) {
	f.Add("a\tO\n\nb\tB-PER\n")
	f.Add("-DOCSTART- -X- O O\n\nx y z B-LOC\n")
	f.Fuzz(func(t *testing.T, s string) {
		sents, err := Read(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, st := range sents {
			if len(st.Tokens) != len(st.Tags) || len(st.Tokens) == 0 {
				t.Fatalf("bad sentence %+v", st)
			}
			Spans(st.Tags)
		}
	})
}

func TestDocuments(t *testing.T) {
	docsOf := func(ss []Sentence) []int {
		var out []int
		for _, s := range ss {
			out = append(out, s.Doc)
		}
		return out
	}
	tests := []struct {
		name, in string
		want     []int
	}{
		{"no markers: every sentence alone", "a\tO\n\nb\tO\n\nc\tO\n", []int{0, 1, 2}},
		{"DOCSTART", "-DOCSTART- -X- O O\n\na\tO\n\nb\tO\n-DOCSTART-\tO\n\nc\tO\n", []int{0, 0, 1}},
		{"newdoc", "# newdoc id = x\na\tO\n\nb\tO\n\n# newdoc id = y\nc\tO\n", []int{0, 0, 1}},
		{"a # token is not a marker", "# newdoc\na\tO\n#\tO\n\nb\tO\n", []int{0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := Read(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := docsOf(ss); !slices.Equal(got, tc.want) {
				t.Errorf("documents %v, want %v", got, tc.want)
			}
		})
	}
	ss, _ := Read(strings.NewReader("a\tO\n\nb\tO\n\nc\tO\n\nd\tO\n"))
	if err := SetDocs(ss, []int{0, 2}); err != nil {
		t.Fatal(err)
	}
	if got := docsOf(ss); !slices.Equal(got, []int{0, 0, 1, 1}) {
		t.Errorf("SetDocs: documents %v, want [0 0 1 1]", got)
	}
	if err := SetDocs(ss, []int{1}); err == nil {
		t.Error("SetDocs: want an error when sentence 0 is in no document")
	}
	var sizes []int
	r := EvaluateDocs("x", ss, "en", func(sents [][]string, _ string) [][]string {
		sizes = append(sizes, len(sents))
		out := make([][]string, len(sents))
		for i, s := range sents {
			out[i] = make([]string, len(s))
			for j := range s {
				out[i][j] = "O"
			}
		}
		return out
	})
	if !slices.Equal(sizes, []int{2, 2}) || r.Sentences != 4 {
		t.Errorf("EvaluateDocs: documents of %v sentences, %d scored; want [2 2], 4", sizes, r.Sentences)
	}
}

func TestReadDocStarts(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "starts.txt")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := ReadDocStarts(write("# comment\n0\n3\n\n7\n"))
	if err != nil || !slices.Equal(got, []int{0, 3, 7}) {
		t.Errorf("ReadDocStarts = %v, %v; want [0 3 7]", got, err)
	}
	for _, bad := range []string{"0\n3\n3\n", "0\nx\n", "-1\n"} {
		if _, err := ReadDocStarts(write(bad)); err == nil {
			t.Errorf("ReadDocStarts(%q): want an error", bad)
		}
	}
}
