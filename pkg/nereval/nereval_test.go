package nereval

import (
	"os"
	"path/filepath"
	"reflect"
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

func TestGuessDocStarts(t *testing.T) {
	sent := func(text string) Sentence { return Sentence{Tokens: strings.Fields(text)} }
	title := sent("Apple buys a company")
	body := sent("It paid a lot .")
	many := func(n int) []Sentence {
		out := make([]Sentence, n)
		for i := range out {
			out[i] = body
		}
		return out
	}
	join := func(parts ...[]Sentence) []Sentence {
		var out []Sentence
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name  string
		sents []Sentence
		want  []int
	}{
		{"empty", nil, nil},
		{"one article", join([]Sentence{title}, many(5)), []int{0}},
		{"two articles", join([]Sentence{title}, many(4), []Sentence{title}, many(4)), []int{0, 5}},
		{"a title right after a title is its subtitle", join([]Sentence{title, title}, many(4)), []int{0}},
		{"too close to the last start", join([]Sentence{title, body, title}, many(3)), []int{0}},
		{"short lines are not titles", join([]Sentence{title}, many(3), []Sentence{sent("Foto")}, many(3)), []int{0}},
		{"a title cut at its colon", join([]Sentence{title}, many(3), []Sentence{sent("Roma :"), title}, many(3)), []int{0, 4}},
		{"no titles: capped", many(2*maxGuessedDoc + 1), []int{0, maxGuessedDoc, 2 * maxGuessedDoc}},
	}
	for _, tc := range tests {
		if got := GuessDocStarts(tc.sents); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRunDocsSegmentation: markers win, then --docs, then --sentences, else
// the guess; the report says which.
func TestRunDocsSegmentation(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	doc := "Apple\tB-ORG\nbuys\tO\na\tO\nfirm\tO\n\nIt\tO\npaid\tO\n.\tO\n\nIt\tO\nwon\tO\n.\tO\n\n"
	plain := write("plain.conll", doc+doc)
	marked := write("marked.conll", "-DOCSTART-\n\n"+doc+"-DOCSTART-\n\n"+doc)
	starts := write("starts.txt", "0\n2\n")
	var docs []int
	tag := func(sents [][]string, _ string) [][]string {
		docs = append(docs, len(sents))
		out := make([][]string, len(sents))
		for i, s := range sents {
			out[i] = make([]string, len(s))
			for j := range s {
				out[i][j] = "O"
			}
		}
		return out
	}
	tests := []struct {
		path string
		seg  Segmentation
		docs []int
		how  string
	}{
		{plain, Segmentation{}, []int{3, 3}, "2 documents, guessed"},
		{plain, Segmentation{Sentences: true}, []int{1, 1, 1, 1, 1, 1}, "6 documents, every sentence alone"},
		{plain, Segmentation{StartsFile: starts}, []int{2, 4}, "2 documents, starting at"},
		{marked, Segmentation{Sentences: true}, []int{3, 3}, "2 documents, from the file's markers"},
	}
	for _, tc := range tests {
		docs = nil
		r, err := RunDocs(tc.path, tc.seg, "en", tag)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(docs, tc.docs) || !strings.HasPrefix(r.Docs, tc.how) {
			t.Errorf("%s %+v: documents of %v (%q), want %v (%q)", filepath.Base(tc.path), tc.seg, docs, r.Docs, tc.docs, tc.how)
		}
	}
}
