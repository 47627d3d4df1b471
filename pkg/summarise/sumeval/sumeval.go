// Package sumeval measures the offline summariser against reference
// summaries with ROUGE, side by side with the Lead-3 baseline, so that a
// change to the scorer can be judged by a number rather than by one article.
package sumeval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/rouge"
	"github.com/newsbrief/newsbrief/pkg/summarise"
)

// ErrNoPairs is returned when a file holds no usable article/reference pair.
var ErrNoPairs = errors.New("sumeval: no article/reference pairs")

// Pair is one line of an evaluation file.
type Pair struct {
	ID        string `json:"id,omitempty"`
	Title     string `json:"title,omitempty"`
	Article   string `json:"article"`
	Reference string `json:"reference"`
	Lang      string `json:"lang"`
}

// System names, in the order Report.Write prints them.
const (
	Offline   = "offline"
	Lead3     = "lead-3"
	Lead3Skip = "lead-3 (skip non-sentences)"
)

// Mean is the mean F1 of one system over all pairs.
type Mean struct {
	R1, R2, RL float64
	// Words is the mean summary length in words.
	Words float64
}

// Report holds mean ROUGE F1 per system.
type Report struct {
	Path  string
	Pairs int
	// Langs counts pairs per language.
	Langs   map[string]int
	Systems map[string]Mean
}

// EvalFile reads JSONL pairs {"article","reference","lang"[,"title"]} from
// path and scores the Offline summary, plain Lead-3, and Lead-3 over the
// sentences Offline considers prose (no datelines, captions or headings).
func EvalFile(path string) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("opening evaluation file: %w", err)
	}
	defer f.Close()
	pairs, err := Read(f)
	if err != nil {
		return Report{}, fmt.Errorf("reading %s: %w", path, err)
	}
	r := Eval(pairs)
	r.Path = path
	return r, nil
}

// Read parses JSONL pairs, skipping blank lines.
func Read(r io.Reader) ([]Pair, error) {
	var pairs []Pair
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var p Pair
		if err := json.Unmarshal([]byte(b), &p); err != nil {
			return nil, fmt.Errorf("decoding line %d: %w", line, err)
		}
		if strings.TrimSpace(p.Article) == "" || strings.TrimSpace(p.Reference) == "" {
			return nil, fmt.Errorf("line %d: %w", line, errors.New("article and reference are required"))
		}
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scanning: %w", err)
	}
	if len(pairs) == 0 {
		return nil, ErrNoPairs
	}
	return pairs, nil
}

// Eval scores pairs.
func Eval(pairs []Pair) Report {
	rep := Report{Pairs: len(pairs), Langs: map[string]int{}, Systems: map[string]Mean{}}
	sums := map[string]*Mean{Offline: {}, Lead3: {}, Lead3Skip: {}}
	for _, p := range pairs {
		rep.Langs[p.Lang]++
		outs := map[string]string{
			Offline:   summarise.Offline(p.Title, p.Article, p.Lang, nil).Summary,
			Lead3:     summarise.Lead(p.Article, p.Lang, 3),
			Lead3Skip: summarise.LeadSkip(p.Article, p.Lang, 3),
		}
		for name, out := range outs {
			s := rouge.Compute(out, p.Reference)
			m := sums[name]
			m.R1 += s.R1.F
			m.R2 += s.R2.F
			m.RL += s.RL.F
			m.Words += float64(len(strings.Fields(out)))
		}
	}
	n := float64(len(pairs))
	for name, m := range sums {
		rep.Systems[name] = Mean{R1: m.R1 / n, R2: m.R2 / n, RL: m.RL / n, Words: m.Words / n}
	}
	return rep
}

// Write prints the report as a fixed-width table.
func (r Report) Write(w io.Writer) error {
	langs := make([]string, 0, len(r.Langs))
	for l, n := range r.Langs {
		langs = append(langs, fmt.Sprintf("%s=%d", l, n))
	}
	sort.Strings(langs)
	var b strings.Builder
	fmt.Fprintf(&b, "ROUGE F1 (mean over %d pairs: %s)", r.Pairs, strings.Join(langs, " "))
	if r.Path != "" {
		fmt.Fprintf(&b, " from %s", r.Path)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-30s %8s %8s %8s %8s\n", "system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words")
	for _, name := range []string{Offline, Lead3, Lead3Skip} {
		m, ok := r.Systems[name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "%-30s %8.4f %8.4f %8.4f %8.1f\n", name, m.R1, m.R2, m.RL, m.Words)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}
