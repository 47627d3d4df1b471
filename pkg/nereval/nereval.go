// Package nereval scores a named-entity tagger against CoNLL-style labelled
// files, so that every change to the offline entity engine can be measured on
// the same data with the same exact-match rules.
//
// Files hold one `token<TAB>tag` per line with IOB2 tags and a blank line
// between sentences; `-DOCSTART-` and `# newdoc` lines start a new document
// (RunDocs tags a document at a time, as an article is processed). Only
// PER, ORG and LOC are scored: MISC (and any other type) is mapped to O in both
// gold and prediction, because the gold sets disagree about it.
package nereval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// ErrFormat is returned when a line of a labelled file is not `token<TAB>tag`.
var ErrFormat = errors.New("nereval: malformed line")

// Sentence is one labelled sentence.
type Sentence struct {
	Tokens []string
	Tags   []string
	Doc    int // document number from 0 in file order; without markers, the sentence number
}

// Types are the entity types that are scored.
var Types = []string{"PER", "ORG", "LOC"}

// TagFunc tags pre-tokenised text with IOB2 tags, one per token.
type TagFunc func(tokens []string, lang string) []string

// DocTagFunc tags the sentences of one document together.
type DocTagFunc func(sents [][]string, lang string) [][]string

// Read parses a CoNLL file from r.
func Read(r io.Reader) ([]Sentence, error) {
	sents, _, err := read(r)
	return sents, err
}

// read also reports whether the file marks its documents.
func read(r io.Reader) (_ []Sentence, marked bool, _ error) {
	var out []Sentence
	var cur Sentence
	doc, docLines := 0, 0 // document number; sentences since its marker
	flush := func() {
		if len(cur.Tokens) > 0 {
			cur.Doc = doc
			out = append(out, cur)
			docLines++
		}
		cur = Sentence{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if strings.HasPrefix(line, "-DOCSTART-") || (strings.HasPrefix(line, "# newdoc") && !strings.Contains(line, "\t")) {
			flush()
			marked = true
			if docLines > 0 {
				doc, docLines = doc+1, 0
			}
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i <= 0 {
			f := strings.Fields(line)
			if len(f) < 2 {
				return nil, false, fmt.Errorf("line %d %q: %w", n, line, ErrFormat)
			}
			cur.Tokens = append(cur.Tokens, f[0])
			cur.Tags = append(cur.Tags, f[len(f)-1])
			continue
		}
		tok := line[:i]
		if j := strings.IndexByte(tok, '\t'); j >= 0 { // extra columns: token is first
			tok = tok[:j]
		}
		cur.Tokens = append(cur.Tokens, tok)
		cur.Tags = append(cur.Tags, line[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("reading labelled file: %w", err)
	}
	flush()
	if !marked { // no document markers: every sentence its own document
		for i := range out {
			out[i].Doc = i
		}
	}
	return out, marked, nil
}

// ReadFile parses a CoNLL file.
func ReadFile(path string) ([]Sentence, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening labelled file: %w", err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return s, nil
}

// Span is one entity: tokens [Start, End) of a sentence.
type Span struct {
	Start, End int
	Type       string
}

// Spans reads entity spans out of IOB2 tags. Types outside Types become O; an
// I- tag that does not continue an entity of its type starts a new one.
func Spans(tags []string) []Span {
	var out []Span
	cur := -1
	for i, t := range tags {
		typ, begin := "", false
		if len(t) > 2 && (t[0] == 'B' || t[0] == 'I') && t[1] == '-' {
			typ, begin = t[2:], t[0] == 'B'
		}
		if !scored(typ) {
			typ = ""
		}
		if cur >= 0 && (typ == "" || begin || out[cur].Type != typ) {
			out[cur].End = i
			cur = -1
		}
		if typ != "" && cur < 0 {
			out = append(out, Span{Start: i, End: len(tags), Type: typ})
			cur = len(out) - 1
		}
	}
	return out
}

func scored(t string) bool {
	for _, s := range Types {
		if s == t {
			return true
		}
	}
	return false
}

// Counts are exact-match tallies for one type.
type Counts struct{ TP, FP, FN int }

// P is the precision.
func (c Counts) P() float64 { return ratio(c.TP, c.TP+c.FP) }

// R is the recall.
func (c Counts) R() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of P and R.
func (c Counts) F1() float64 {
	p, r := c.P(), c.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is the score of a tagger on one file.
type Report struct {
	Name      string
	Docs      string // how the file was cut into documents, if it was
	Sentences int
	Tokens    int
	ByType    map[string]Counts
	Overall   Counts
}

// Score compares predicted tag sequences with gold ones.
func Score(name string, gold []Sentence, pred [][]string) Report {
	r := Report{Name: name, ByType: map[string]Counts{}}
	for i, s := range gold {
		r.Sentences++
		r.Tokens += len(s.Tokens)
		g := Spans(s.Tags)
		var p []Span
		if i < len(pred) {
			p = Spans(pred[i])
		}
		gs := map[Span]bool{}
		for _, x := range g {
			gs[x] = true
		}
		ps := map[Span]bool{}
		for _, x := range p {
			ps[x] = true
			c := r.ByType[x.Type]
			if gs[x] {
				c.TP++
			} else {
				c.FP++
			}
			r.ByType[x.Type] = c
		}
		for _, x := range g {
			if !ps[x] {
				c := r.ByType[x.Type]
				c.FN++
				r.ByType[x.Type] = c
			}
		}
	}
	for _, c := range r.ByType {
		r.Overall.TP += c.TP
		r.Overall.FP += c.FP
		r.Overall.FN += c.FN
	}
	return r
}

// SetDocs numbers the documents of sents from the sentence indices where
// they start (for files without document markers).
func SetDocs(sents []Sentence, starts []int) error {
	d := -1
	for i := range sents {
		for d+1 < len(starts) && starts[d+1] <= i {
			d++
		}
		if d < 0 {
			return fmt.Errorf("document starts %v: sentence %d is in no document", starts[:min(3, len(starts))], i)
		}
		sents[i].Doc = d
	}
	return nil
}

// ReadDocStarts reads sentence indices, one a line; lines starting with #
// are comments.
func ReadDocStarts(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading document starts: %w", err)
	}
	var out []int
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l == "" || l[0] == '#' {
			continue
		}
		var n int
		if _, err := fmt.Sscan(l, &n); err != nil || n < 0 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, fmt.Errorf("document starts %s: %q is not an increasing sentence index", path, l)
		}
		out = append(out, n)
	}
	return out, nil
}

// Documents splits sents into runs of the same document number.
func Documents(sents []Sentence) [][]Sentence {
	var out [][]Sentence
	for i := 0; i < len(sents); {
		j := i + 1
		for j < len(sents) && sents[j].Doc == sents[i].Doc {
			j++
		}
		out = append(out, sents[i:j])
		i = j
	}
	return out
}

// EvaluateDocs tags every document with tag and scores the result.
func EvaluateDocs(name string, gold []Sentence, lang string, tag DocTagFunc) Report {
	pred := make([][]string, 0, len(gold))
	for _, d := range Documents(gold) {
		toks := make([][]string, len(d))
		for i, s := range d {
			toks[i] = s.Tokens
		}
		pred = append(pred, tag(toks, lang)...)
	}
	return Score(name, gold, pred)
}

// Evaluate tags every sentence with tag and scores the result.
func Evaluate(name string, gold []Sentence, lang string, tag TagFunc) Report {
	pred := make([][]string, len(gold))
	for i, s := range gold {
		pred[i] = tag(s.Tokens, lang)
	}
	return Score(name, gold, pred)
}

// Run reads the labelled file at path, tags it and scores it.
func Run(path, lang string, tag TagFunc) (Report, error) {
	gold, err := ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	return Evaluate(path, gold, lang, tag), nil
}

// Segmentation says how RunDocs cuts a file into documents when the file
// has no -DOCSTART- or # newdoc lines.
type Segmentation struct {
	// StartsFile names a file of sentence indices where documents start
	// (see ReadDocStarts).
	StartsFile string
	// Sentences tags every sentence as a document of its own.
	Sentences bool
}

// RunDocs reads the labelled file at path, tags it a document at a time, as
// the product tags an article, and scores it. Documents come from the file's
// markers, else from seg, else they are guessed (GuessDocStarts).
func RunDocs(path string, seg Segmentation, lang string, tag DocTagFunc) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("opening labelled file: %w", err)
	}
	gold, marked, err := read(f)
	f.Close()
	if err != nil {
		return Report{}, fmt.Errorf("parsing %s: %w", path, err)
	}
	var how string
	switch {
	case marked:
		how = "from the file's markers"
	case seg.StartsFile != "":
		starts, err := ReadDocStarts(seg.StartsFile)
		if err != nil {
			return Report{}, err
		}
		if err := SetDocs(gold, starts); err != nil {
			return Report{}, err
		}
		how = "starting at the sentences listed in " + seg.StartsFile
	case seg.Sentences:
		how = "every sentence alone"
	default:
		if err := SetDocs(gold, GuessDocStarts(gold)); err != nil {
			return Report{}, err
		}
		how = "guessed: a title (no final punctuation) after a finished sentence starts one"
	}
	r := EvaluateDocs(path, gold, lang, tag)
	r.Docs = fmt.Sprintf("%d documents, %s", len(Documents(gold)), how)
	return r, nil
}

// maxGuessedDoc bounds a guessed document (GUM's longest article has 86
// sentences): a file of unrelated sentences without titles is then tagged
// 80 sentences at a time, not as one document whose names all vote together
// (on the WikiNEuRal English sample F1 0.987 sentence by sentence, 0.969 as
// one document, 0.985 in 80s).
const maxGuessedDoc = 80

// GuessDocStarts finds where the articles of a file without document
// markers start, for files of news sentences in article order with the
// title as a sentence of its own (as KIND's and GUM's): a sentence without
// final punctuation, of 4 tokens or more, after one that ends cleanly, or a
// title cut at its colon, at least 3 sentences after the last start; and
// after maxGuessedDoc sentences without one. On GUM news it finds 21 of
// the 24 article starts and cuts 28 more at sub-headings and captions;
// scored by these guessed documents, the English cross-validation F1 equals
// that by the true ones (pkg/entities/README.md).
func GuessDocStarts(sents []Sentence) []int {
	if len(sents) == 0 {
		return nil
	}
	ends := func(s Sentence) bool {
		switch s.Tokens[len(s.Tokens)-1] {
		case ".", "!", "?", "\"", "»", "”", ")", "'", "…":
			return true
		}
		return false
	}
	last := func(s Sentence) string { return s.Tokens[len(s.Tokens)-1] }
	starts := []int{0}
	for i := 1; i < len(sents); i++ {
		s := sents[i]
		colon := last(s) == ":" && i+1 < len(sents) && !ends(sents[i+1]) && last(sents[i+1]) != ":"
		title := !ends(s) && len(s.Tokens) >= 4 && last(s) != ":"
		since := i - starts[len(starts)-1]
		if ((title || colon) && ends(sents[i-1]) && since >= 3) || since >= maxGuessedDoc {
			starts = append(starts, i)
		}
	}
	return starts
}

// Write prints the report as a plain-text table.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  (%d sentences, %d tokens)\n", r.Name, r.Sentences, r.Tokens)
	if r.Docs != "" {
		fmt.Fprintf(&b, "documents: %s\n", r.Docs)
	}
	fmt.Fprintf(&b, "%-8s %6s %6s %6s %7s %7s %7s\n", "type", "tp", "fp", "fn", "P", "R", "F1")
	types := make([]string, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-8s %6d %6d %6d %7.3f %7.3f %7.3f\n", name, c.TP, c.FP, c.FN, c.P(), c.R(), c.F1())
	}
	for _, t := range types {
		row(t, r.ByType[t])
	}
	row("overall", r.Overall)
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}
