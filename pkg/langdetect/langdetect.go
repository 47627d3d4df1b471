// Package langdetect decides which language an article is written in, so the
// pipeline can brief the languages it supports and reject every other one
// with a reason instead of forcing it into Italian or English.
//
// It is the only package that imports lingua-go: lingua embeds ≈130 MB of
// models in any binary that links it, and its models live in process-wide
// maps, so only the language worker (or the all-in-one server) should pay
// for it. See README.md in this directory for the measured memory, speed and
// accuracy behind the defaults.
package langdetect

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/pemistahl/lingua-go"
)

// Sentinel errors returned by Detect, always wrapped with a message that can
// be shown to the submitter as the rejection reason.
var (
	// ErrUnsupported is returned when the text is confidently in a language
	// the pipeline does not brief (or in a script none of them use).
	ErrUnsupported = errors.New("unsupported language")
	// ErrTooShort is returned when the text has fewer letters than the
	// minimum (see WithMinLetters) to tell the language.
	ErrTooShort = errors.New("text too short to detect its language")
	// ErrUncertain is returned when the best language's confidence is below
	// the threshold (see WithMinConfidence).
	ErrUncertain = errors.New("language uncertain")
)

// Defaults, chosen from the measurements in README.md.
const (
	// DefaultMinConfidence is the confidence (0..1, from lingua's
	// ComputeLanguageConfidenceValues over all known languages) below which
	// Detect answers ErrUncertain.
	DefaultMinConfidence = 0.35
	// DefaultMinLetters is the fewest letters Detect will judge. It is low on
	// purpose: on 5-letter words lingua is still right more often than wrong
	// and a doubtful guess ends as ErrUncertain anyway (see README.md).
	DefaultMinLetters = 5
	// DefaultSampleChars bounds the body text looked at: the lede and what
	// follows, cut at a word boundary. Detection cost grows linearly with
	// length. 400 characters (~60 words, ~400 trigrams) give the same answers
	// as 1000 on every paragraph-onwards sample of the 124 Wikinews articles
	// and the same dev-set figures (TestEvalSampleSize, TestEvalDev) at
	// roughly half the cost (issue #7, docs/performance.md).
	DefaultSampleChars = 400
	// HintMargin is how close (in confidence) the submitter's language hint
	// must be to the top language to win a near-tie.
	HintMargin = 0.2
)

// DefaultOthers are the languages known besides the supported ones, so that
// text in them is recognised and rejected rather than forced into a
// supported language: the Romance and Germanic neighbours of Italian and
// English, and other major Latin-script European languages.
//
// More languages cost ≈1.3 MB each in low-accuracy mode and slightly lower
// it/en accuracy on short texts (README.md); pass WithOthers to change them.
var DefaultOthers = []string{"es", "fr", "de", "pt", "ro", "ca", "nl", "pl"}

// Detector detects the language of articles. It is safe for concurrent use.
type Detector struct {
	det       lingua.LanguageDetector
	supported []lingua.Language
	cfg       config
}

type config struct {
	others        []string
	minConfidence float64
	bands         []Band
	minLetters    int
	sampleChars   int
	highAccuracy  bool
	preload       bool
}

// Option configures New.
type Option func(*config)

// WithOthers replaces DefaultOthers: the languages (ISO 639-1 codes) that
// are recognised in order to be rejected.
func WithOthers(codes ...string) Option { return func(c *config) { c.others = codes } }

// Band asks more confidence of short texts: a text of at most MaxChars
// characters (the sample Detect reads: title, lede and body) is
// ErrUncertain below MinConfidence.
type Band struct {
	MaxChars      int
	MinConfidence float64
}

// DefaultShortBands are the confidences asked of short texts, measured on
// ../shared/data/langid/dev_annotated.tsv (README.md, issue #14): with the
// single 0.35 floor, 8 of the 144 Spanish, French, German and Portuguese
// single words and word pairs were forced to it/en ("Se ri de ella en su
// cara." → it at 0.62); with these, 1 (0.7%), and it/en texts over 40
// characters are unchanged (0.990). Short it/en texts pay: word pairs 0.795
// → 0.547 correct, single words 0.505 → 0.211 (uncertain, not wrong).
var DefaultShortBands = []Band{{MaxChars: 15, MinConfidence: 0.9}, {MaxChars: 40, MinConfidence: 0.9}}

// WithShortBands sets the confidence asked of short texts by length band
// (default DefaultShortBands; none: the minimum confidence alone).
func WithShortBands(bands ...Band) Option { return func(c *config) { c.bands = bands } }

// minConfidence is the confidence asked of a sample of n characters.
func (c *config) minConfidenceFor(n int) float64 {
	for _, b := range c.bands {
		if n <= b.MaxChars {
			return max(b.MinConfidence, c.minConfidence)
		}
	}
	return c.minConfidence
}

// WithMinConfidence sets the confidence below which Detect answers
// ErrUncertain (default DefaultMinConfidence).
func WithMinConfidence(v float64) Option { return func(c *config) { c.minConfidence = v } }

// WithMinLetters sets the fewest letters Detect will judge (default
// DefaultMinLetters).
func WithMinLetters(n int) Option { return func(c *config) { c.minLetters = n } }

// WithSampleChars sets how much of the body is looked at (default
// DefaultSampleChars).
func WithSampleChars(n int) Option { return func(c *config) { c.sampleChars = n } }

// WithHighAccuracy switches lingua to high-accuracy mode (1- to 5-gram
// models). It only changes results on texts under 120 letters and costs far
// more memory (≈20 MB per language); the default is low-accuracy mode
// (trigrams only).
func WithHighAccuracy(on bool) Option { return func(c *config) { c.highAccuracy = on } }

// WithPreload controls whether New loads the models (default true), so that
// the first Detect is not slow. Turn it off only in tools that detect once.
func WithPreload(on bool) Option { return func(c *config) { c.preload = on } }

// New returns a Detector that accepts the supported languages (ISO 639-1
// codes such as "it", "en") and recognises the others (DefaultOthers unless
// WithOthers) in order to reject them. An unknown code is an error.
func New(supported []string, opts ...Option) (*Detector, error) {
	cfg := config{
		others:        DefaultOthers,
		minConfidence: DefaultMinConfidence,
		bands:         DefaultShortBands,
		minLetters:    DefaultMinLetters,
		sampleChars:   DefaultSampleChars,
		preload:       true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if len(supported) == 0 {
		return nil, errors.New("langdetect: no supported language given")
	}
	sup, err := languages(supported)
	if err != nil {
		return nil, fmt.Errorf("langdetect: supported languages: %w", err)
	}
	others, err := languages(cfg.others)
	if err != nil {
		return nil, fmt.Errorf("langdetect: other languages: %w", err)
	}
	all := slices.Clone(sup)
	for _, l := range others {
		if !slices.Contains(all, l) {
			all = append(all, l)
		}
	}
	if len(all) < 2 {
		// lingua needs two languages to compare.
		all = append(all, lingua.English)
		if all[0] == lingua.English {
			all[1] = lingua.Italian
		}
	}
	b := lingua.NewLanguageDetectorBuilder().FromLanguages(all...)
	if !cfg.highAccuracy {
		b = b.WithLowAccuracyMode()
	}
	if cfg.preload {
		b = b.WithPreloadedLanguageModels()
	}
	return &Detector{det: b.Build(), supported: sup, cfg: cfg}, nil
}

// languages maps ISO 639-1 codes to lingua languages.
func languages(codes []string) ([]lingua.Language, error) {
	var out []lingua.Language
	var bad []string
	for _, c := range codes {
		if strings.TrimSpace(c) == "" {
			continue
		}
		l := lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(strings.TrimSpace(c)))
		if l == lingua.Unknown {
			bad = append(bad, fmt.Sprintf("%q", c))
			continue
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown language code %s (want ISO 639-1, e.g. \"it\")", strings.Join(bad, ", "))
	}
	return out, nil
}

// Supported returns the supported language codes, in the order given to New.
func (d *Detector) Supported() []string {
	out := make([]string, len(d.supported))
	for i, l := range d.supported {
		out[i] = code(l)
	}
	return out
}

func code(l lingua.Language) string { return strings.ToLower(l.IsoCode639_1().String()) }

// Detect returns the language of an article from its title, its lede and a
// bounded sample of the body (see WithSampleChars) — never the headline
// alone, which misleads on loanword-heavy tech headlines.
//
// hint is the submitter's claim (a code such as "it" or "it-IT", or ""). It
// is a tie-breaker, not an override: it wins only when it names a supported
// language whose confidence is within HintMargin of the top language and at
// least half of the minimum confidence. A confident detection of another
// language is not overridden, because a wrong hint would then bypass the
// language gate.
//
// Errors wrap ErrTooShort, ErrUncertain or ErrUnsupported.
func (d *Detector) Detect(title, body, hint string) (news.Language, error) {
	text := Sample(title, body, d.cfg.sampleChars)
	letters, latin := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters < d.cfg.minLetters {
		return news.Language{}, fmt.Errorf("%w: %d letters, at least %d are needed", ErrTooShort, letters, d.cfg.minLetters)
	}
	if latin*2 < letters {
		return news.Language{}, fmt.Errorf("%w: the text is not in the Latin script (%s); supported: %s", ErrUnsupported, mainScript(text), strings.Join(d.Supported(), ", "))
	}

	values := d.confidence(text)
	if len(values) == 0 || values[0].Value() == 0 {
		return news.Language{}, fmt.Errorf("%w: the text matches none of the known languages; supported: %s", ErrUncertain, strings.Join(d.Supported(), ", "))
	}
	best, byHint := values[0], false
	if h, ok := d.hinted(hint, values); ok && h.Language() != best.Language() {
		best, byHint = h, true
	}
	lang := news.Language{Code: code(best.Language()), Confidence: round(best.Value())}
	supported := slices.Contains(d.supported, best.Language())
	// A short text is accepted in a supported language only with the
	// confidence of its length band; rejected as another language with
	// the minimum confidence alone.
	minConf := d.cfg.minConfidence
	if supported {
		minConf = d.cfg.minConfidenceFor(utf8.RuneCountInString(text))
	}
	if best.Value() < minConf && !byHint {
		return news.Language{}, fmt.Errorf("%w: best guess %s (%s) with confidence %.2f, below %.2f; supported: %s",
			ErrUncertain, lang.Code, best.Language(), lang.Confidence, minConf, strings.Join(d.Supported(), ", "))
	}
	if !supported {
		return news.Language{}, fmt.Errorf("%w: language %s (%s, confidence %.2f) is not supported; supported: %s",
			ErrUnsupported, lang.Code, best.Language(), lang.Confidence, strings.Join(d.Supported(), ", "))
	}
	return lang, nil
}

// hinted returns the confidence value of the hinted language when the hint
// may break a near-tie, or nil.
func (d *Detector) hinted(hint string, values []conf) (conf, bool) {
	hint = strings.ToLower(strings.TrimSpace(hint))
	if i := strings.IndexAny(hint, "-_"); i >= 0 {
		hint = hint[:i]
	}
	if hint == "" {
		return conf{}, false
	}
	top := values[0].Value()
	for _, v := range values {
		if code(v.Language()) == hint && slices.Contains(d.supported, v.Language()) &&
			v.Value() >= top-HintMargin && v.Value() >= d.cfg.minConfidence/2 {
			return v, true
		}
	}
	return conf{}, false
}

// chunkBytes bounds the text lingua scores in one call. Past a few hundred
// letters the summed trigram log-probabilities of the unlikely languages
// underflow float64's exp, and lingua falls back to arbitrary-precision
// decimals (ExpTaylor, then Pow 1000) for each of them: that was ~60% of
// detection time on a 1000-character sample (a 320-byte chunk already costs
// 70% more than a 240-byte one). Scored in chunks, the softmax is rebuilt
// from the chunks' log-confidences (see confidence).
const chunkBytes = 240

// decisiveLead stops scoring early: once the top language leads the next by
// this much summed log-confidence (the next is then e^-25 ≈ 1e-11 times as
// likely; both round to the confidence the whole sample gives), the rest of
// the sample is not read. A typical article is decided by its first chunk
// (title and lede); mixed or ambiguous text is still read to the end of the
// sample. Issue #7: −34% detection CPU over the 124 articles; TestEvalDev,
// TestEvalSampleSize and TestEarlyStopMatchesFullSample unchanged (with
// 160-byte chunks, deciding on the first would flip two mixed samples).
const decisiveLead = 25.0

// conf is one language's confidence.
type conf struct {
	lang  lingua.Language
	value float64
}

func (c conf) Language() lingua.Language { return c.lang }
func (c conf) Value() float64            { return c.value }

// confidence returns lingua's confidence values for text, best first.
//
// Lingua's confidence is a softmax over the languages of the summed
// trigram log-probabilities S(L). Split at word boundaries, the trigrams
// of the text are those of its chunks, so S(L) = Σk Sk(L), and
// log ck(L) = Sk(L) − log Zk for each chunk's confidence ck. The softmax of
// Σk log ck(L) is therefore the softmax of S(L): the same answer, without
// lingua's slow path. A chunk in which no language has evidence is left
// out, as it adds nothing to any S(L).
func (d *Detector) confidence(text string) []conf {
	chunks := chunk(text, chunkBytes)
	if len(chunks) == 1 {
		vals := d.det.ComputeLanguageConfidenceValues(text)
		out := make([]conf, len(vals))
		for i, v := range vals {
			out[i] = conf{v.Language(), v.Value()}
		}
		return out
	}
	var logs map[lingua.Language]float64
	for _, c := range chunks {
		vals := d.det.ComputeLanguageConfidenceValues(c)
		if len(vals) == 0 || vals[0].Value() == 0 {
			continue
		}
		if logs == nil {
			logs = make(map[lingua.Language]float64, len(vals))
		}
		for _, v := range vals {
			// A language with no evidence in a chunk scores 0 there; a
			// floor keeps it comparable instead of -Inf.
			logs[v.Language()] += math.Log(max(v.Value(), 1e-300))
		}
		if decided(logs) {
			break
		}
	}
	out := make([]conf, 0, len(logs))
	if len(logs) == 0 {
		return out
	}
	top := math.Inf(-1)
	for _, l := range logs {
		top = max(top, l)
	}
	sum := 0.0
	for lang, l := range logs {
		e := math.Exp(l - top)
		sum += e
		out = append(out, conf{lang, e})
	}
	for i := range out {
		out[i].value /= sum
	}
	slices.SortFunc(out, func(a, b conf) int {
		if a.value != b.value {
			if a.value > b.value {
				return -1
			}
			return 1
		}
		return int(a.lang) - int(b.lang)
	})
	return out
}

// decided reports whether the top language leads the next by decisiveLead.
func decided(logs map[lingua.Language]float64) bool {
	first, second := math.Inf(-1), math.Inf(-1)
	for _, l := range logs {
		if l > first {
			first, second = l, first
		} else if l > second {
			second = l
		}
	}
	return first-second >= decisiveLead
}

// chunk splits text at spaces into pieces of at most about n bytes.
func chunk(text string, n int) []string {
	var out []string
	for len(text) > n {
		cut := strings.LastIndexFunc(text[:n], unicode.IsSpace)
		if cut <= 0 {
			cut = strings.IndexFunc(text[n:], unicode.IsSpace)
			if cut < 0 {
				break
			}
			cut += n
		}
		out = append(out, text[:cut])
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

func round(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }

// Sample is the text Detect looks at: the title, then the body up to
// maxChars bytes cut at a word boundary (maxChars <= 0 means
// DefaultSampleChars).
func Sample(title, body string, maxChars int) string {
	if maxChars <= 0 {
		maxChars = DefaultSampleChars
	}
	body = strings.TrimSpace(body)
	// Zalgo text stacks dozens of combining marks on every letter: 264 KB of
	// it left 4 letters in a byte-sized sample (issue #13), and NFC (which
	// ingest applies) folds one mark per letter into letters no Italian or
	// English word has. When marks outnumber letters, the text is read as
	// its base letters: decomposed, marks dropped. Ordinary text (an accent
	// here and there, already composed) is left as it is.
	if zalgo(body[:min(len(body), maxChars)]) {
		body = baseLetters(body, maxChars)
	}
	if zalgo(title) {
		title = baseLetters(title, len(title))
	}
	if len(body) > maxChars {
		cut := maxChars
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		if i := strings.LastIndexFunc(body[:cut], unicode.IsSpace); i > maxChars/2 {
			cut = i
		}
		body = body[:cut]
	}
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return body
	case body == "":
		return title
	}
	return title + "\n" + body
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// zalgo reports whether s has more combining marks than letters.
func zalgo(s string) bool {
	marks, letters := 0, 0
	for _, r := range s {
		switch {
		case isMark(r):
			marks++
		case unicode.IsLetter(r):
			letters++
		}
	}
	return marks > letters
}

// baseLetters returns s decomposed (NFD) without its combining marks, read
// only until the result is longer than limit bytes.
func baseLetters(s string, limit int) string {
	var b strings.Builder
	var it norm.Iter
	it.InitString(norm.NFD, s)
	for !it.Done() && b.Len() <= limit {
		for _, r := range string(it.Next()) {
			if !isMark(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// mainScript names the most frequent script among the letters of text.
func mainScript(text string) string {
	counts := map[string]int{}
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		for name, table := range scripts {
			if unicode.Is(table, r) {
				counts[name]++
				break
			}
		}
	}
	best, n := "another script", 0
	for name, c := range counts {
		if c > n || (c == n && name < best) {
			best, n = name, c
		}
	}
	return best
}

var scripts = map[string]*unicode.RangeTable{
	"Arabic": unicode.Arabic, "Cyrillic": unicode.Cyrillic, "Greek": unicode.Greek,
	"Han": unicode.Han, "Hangul": unicode.Hangul, "Hebrew": unicode.Hebrew,
	"Hiragana": unicode.Hiragana, "Katakana": unicode.Katakana, "Devanagari": unicode.Devanagari,
	"Thai": unicode.Thai, "Armenian": unicode.Armenian, "Georgian": unicode.Georgian,
}

// Known reports whether the detector recognises an ISO 639-1 code.
func Known(code string) bool {
	_, err := languages([]string{code})
	return err == nil && strings.TrimSpace(code) != ""
}
