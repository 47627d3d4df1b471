package sumeval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/ingest"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/rouge"
	"github.com/newsbrief/newsbrief/pkg/summarise"
)

// Titled is one line of a headline-check file: a page's title and body.
// Article is accepted for Body, so the summary pairs can be read too.
type Titled struct {
	ID      string `json:"id,omitempty"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Article string `json:"article,omitempty"`
	Lang    string `json:"lang,omitempty"`
}

// HeadlineReport says how the headlines Offline builds from the body alone
// (the title hidden) compare with the page's own titles.
type HeadlineReport struct {
	Path     string
	Articles int
	// Acceptable counts headlines that share the title's main entity and
	// one of its figures or other content words (a stand-in for its verb).
	Acceptable int
	// RL is the mean ROUGE-L F1 against the title.
	RL float64
	// Ellipsis, TooLong and Furniture count headlines ending in "…", over
	// summarise.MaxHeadline runes, or carrying a byline or dateline mark.
	Ellipsis, TooLong, Furniture int
	// Misses lists up to maxMisses headlines judged not acceptable.
	Misses []HeadlineMiss
}

// HeadlineMiss is a headline judged not acceptable, with its title.
type HeadlineMiss struct{ Title, Headline string }

const maxMisses = 15

// EvalHeadlinesFile reads JSONL {"title","body"[,"lang"]} lines and
// judges the headlines built without the title.
func EvalHeadlinesFile(path string) (HeadlineReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return HeadlineReport{}, fmt.Errorf("opening headline file: %w", err)
	}
	defer f.Close()
	var items []Titled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for line := 1; sc.Scan(); line++ {
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var t Titled
		if err := json.Unmarshal([]byte(b), &t); err != nil {
			return HeadlineReport{}, fmt.Errorf("decoding line %d of %s: %w", line, path, err)
		}
		if t.Body == "" {
			t.Body = t.Article
		}
		if strings.TrimSpace(t.Title) == "" || strings.TrimSpace(t.Body) == "" {
			return HeadlineReport{}, fmt.Errorf("line %d of %s: title and body are required", line, path)
		}
		items = append(items, t)
	}
	if err := sc.Err(); err != nil {
		return HeadlineReport{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(items) == 0 {
		return HeadlineReport{}, ErrNoPairs
	}
	r := EvalHeadlines(items)
	r.Path = path
	return r, nil
}

// EvalHeadlines builds each article's headline as the pipeline does with
// no title (ingest's normalisation and furniture removal, then Offline)
// and judges it against the hidden title.
func EvalHeadlines(items []Titled) HeadlineReport {
	r := HeadlineReport{Articles: len(items)}
	for _, it := range items {
		body := it.Body
		if a, err := ingest.Normalise(news.Submission{Body: it.Body, Title: "-"}, time.Time{}); err == nil {
			body = a.Body // a placeholder title keeps the first line in the body
		}
		h := summarise.Offline("", body, it.Lang, nil).Headline
		r.RL += rouge.Compute(h, it.Title).RL.F
		if Acceptable(h, it.Title) {
			r.Acceptable++
		} else if len(r.Misses) < maxMisses {
			r.Misses = append(r.Misses, HeadlineMiss{it.Title, h})
		}
		if strings.HasSuffix(h, "…") {
			r.Ellipsis++
		}
		if utf8.RuneCountInString(h) > summarise.MaxHeadline {
			r.TooLong++
		}
		if hasFurniture(h) {
			r.Furniture++
		}
	}
	r.RL /= float64(max(1, len(items)))
	return r
}

// Acceptable is the simple evidence that a headline states the title's
// news: it names one of the title's main entities (its capitalised words,
// or its first content word, usually the subject) and shares a figure or
// another content word with the title, which usually is the verb or its
// object.
func Acceptable(headline, title string) bool {
	tw, hw := contentWords(title), contentWords(headline)
	if len(tw) == 0 {
		return false
	}
	in := func(x cword) bool {
		for _, w := range hw {
			if w.key == x.key {
				return true
			}
		}
		return false
	}
	entity, shared := "", 0
	for i, w := range tw {
		if !in(w) {
			continue
		}
		shared++
		if entity == "" && (w.cap || i == 0) {
			entity = w.key
		}
	}
	return entity != "" && shared >= 2
}

type cword struct {
	key string // lower case, cut to 5 runes: "approves" ~ "approved"
	cap bool
}

func contentWords(s string) []cword {
	var out []cword
	for i, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '$' && r != '€' && r != '%'
	}) {
		if k := strings.LastIndexAny(f, "'’"); k >= 0 {
			if tail := f[k:]; tail == "'s" || tail == "’s" || tail == "'" || tail == "’" {
				f = f[:k] // Mecca's → Mecca
			} else {
				_, size := utf8.DecodeRuneInString(tail)
				f = f[k+size:] // l'Ai → Ai
			}
		}
		low := strings.ToLower(f)
		if low == "" || summarise.IsStopword(low) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(f)
		key := []rune(low)
		if len(key) > 5 {
			key = key[:5]
		}
		out = append(out, cword{string(key), unicode.IsUpper(first) && (i > 0 || isAllCapsOrMixed(f))})
	}
	return out
}

// isAllCapsOrMixed is "TIM", "OpenAI", "iPhone": capitalised in a way a
// sentence start does not explain.
func isAllCapsOrMixed(w string) bool {
	up := 0
	for _, r := range w {
		if unicode.IsUpper(r) {
			up++
		}
	}
	return up > 1
}

// hasFurniture reports a byline or dateline mark in a headline.
func hasFurniture(h string) bool {
	for _, m := range []string{"(AP)", "(Reuters)", "(ANSA)", "(AFP)", "By ", " — ", "Reporting by", "Leggi anche", "Read more"} {
		if strings.HasPrefix(h, m) || (m[0] == '(' && strings.Contains(h, m)) || (m == " — " && strings.Index(h, m) > 0 && strings.Index(h, m) < 25 && isCapsRun(h[:strings.Index(h, m)])) {
			return true
		}
	}
	return false
}

func isCapsRun(s string) bool {
	return s != "" && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// Write prints the report.
func (r HeadlineReport) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "headlines built from the body, title hidden (%d articles", r.Articles)
	if r.Path != "" {
		fmt.Fprintf(&b, " from %s", r.Path)
	}
	b.WriteString(")\n")
	pct := func(n int) float64 { return 100 * float64(n) / float64(max(1, r.Articles)) }
	fmt.Fprintf(&b, "acceptable (main entity + figure/word of the title)  %d (%.1f%%)\n", r.Acceptable, pct(r.Acceptable))
	fmt.Fprintf(&b, "ROUGE-L F1 against the title                         %.4f\n", r.RL)
	fmt.Fprintf(&b, "ending in \"…\" / over %d runes / byline or dateline   %d / %d / %d\n", summarise.MaxHeadline, r.Ellipsis, r.TooLong, r.Furniture)
	for _, m := range r.Misses {
		fmt.Fprintf(&b, "  not acceptable: %q\n                  title %q\n", m.Headline, m.Title)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}
