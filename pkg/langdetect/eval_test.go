package langdetect

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/shared"
)

// envOptions lets the evaluation and the probe compare configurations:
// LANGDETECT_OTHERS (comma-separated codes), LANGDETECT_HIGH=1,
// LANGDETECT_MINCONF, LANGDETECT_MINLETTERS.
func envOptions(t testing.TB) []Option {
	var opts []Option
	if v, ok := os.LookupEnv("LANGDETECT_OTHERS"); ok {
		opts = append(opts, WithOthers(strings.Split(v, ",")...))
	}
	if os.Getenv("LANGDETECT_HIGH") == "1" {
		opts = append(opts, WithHighAccuracy(true))
	}
	if v := os.Getenv("LANGDETECT_MINCONF"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithMinConfidence(f))
	}
	if v := os.Getenv("LANGDETECT_MINLETTERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithMinLetters(n))
	}
	return opts
}

type tally struct{ n, ok, unsupported, uncertain, short, wrong int }

func (c tally) rate(k int) float64 {
	if c.n == 0 {
		return 0
	}
	return float64(k) / float64(c.n)
}

// TestEvalDev measures Detect on ../shared/data/langid/dev_annotated.tsv:
// for it/en the share detected correctly, for the other languages the share
// rejected as unsupported, per row kind. Run with -v to see the table.
func TestEvalDev(t *testing.T) {
	path := shared.Path(t, "langid", "dev_annotated.tsv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("langid data not readable: %v", err)
	}
	defer f.Close()
	d, err := New([]string{"it", "en"}, envOptions(t)...)
	if err != nil {
		t.Fatal(err)
	}
	tallies := map[string]*tally{}
	get := func(k string) *tally {
		if tallies[k] == nil {
			tallies[k] = &tally{}
		}
		return tallies[k]
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // header
	var mistakes []string
	// Issue #14: es/fr/de/pt single words and word pairs forced to it/en
	// (want <= 1%), it/en texts over 40 characters correct (want >= 98%).
	var short, forced, long, longOK int
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 {
			continue
		}
		lang, text, kind := cols[0], cols[1], cols[2]
		group := "other"
		if lang == "it" || lang == "en" {
			group = "it/en"
		}
		c := get(group + " " + kind)
		all := get(group + " all")
		got, err := d.Detect("", text, "")
		switch {
		case strings.Contains("es fr de pt", lang) && (kind == "single_word" || kind == "word_pair"):
			short++
			if err == nil {
				forced++
			}
		case group == "it/en" && len([]rune(text)) > 40:
			long++
			if err == nil && got.Code == lang {
				longOK++
			}
		}
		for _, c := range []*tally{c, all} {
			c.n++
			switch {
			case errors.Is(err, ErrTooShort):
				c.short++
			case errors.Is(err, ErrUncertain):
				c.uncertain++
			case errors.Is(err, ErrUnsupported):
				c.unsupported++
				if group == "other" {
					c.ok++
				}
			case err != nil:
				t.Fatalf("Detect(%q): unexpected error %v", text, err)
			case got.Code == lang:
				c.ok++
			default:
				c.wrong++
			}
		}
		if kind == "sentence" && ((group == "it/en" && (err != nil || got.Code != lang)) || (group == "other" && !errors.Is(err, ErrUnsupported))) {
			mistakes = append(mistakes, fmt.Sprintf("%s %q -> %v %v", lang, text, got, err))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(tallies))
	for k := range tallies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%-24s %5s %8s %8s %8s %8s %8s", "group kind", "n", "correct", "wrong", "unsupp", "uncert", "short")
	for _, k := range keys {
		c := tallies[k]
		t.Logf("%-24s %5d %8.3f %8.3f %8.3f %8.3f %8.3f", k, c.n, c.rate(c.ok), c.rate(c.wrong), c.rate(c.unsupported), c.rate(c.uncertain), c.rate(c.short))
	}
	for _, m := range mistakes {
		t.Logf("sentence miss: %s", m)
	}
	t.Logf("es/fr/de/pt single words and pairs forced to it/en: %d of %d (%.3f); it/en over 40 characters correct: %d of %d (%.3f)",
		forced, short, float64(forced)/float64(short), longOK, long, float64(longOK)/float64(long))
	if len(os.Getenv("LANGDETECT_OTHERS")+os.Getenv("LANGDETECT_HIGH")+os.Getenv("LANGDETECT_MINCONF")+os.Getenv("LANGDETECT_MINLETTERS")) > 0 {
		return // exploring another configuration: report only
	}
	// Measured 0.995 / 0.908 / 0.992 (README.md); floors leave a margin.
	if float64(forced) > 0.01*float64(short) || float64(longOK) < 0.98*float64(long) {
		t.Errorf("forced %d of %d short texts (want <= 1%%), it/en over 40 characters %d of %d (want >= 98%%)", forced, short, longOK, long)
	}
	floors := map[string]float64{"it/en sentence": 0.97, "it/en ud_sentence": 0.83, "other sentence": 0.95}
	for k, floor := range floors {
		if c := tallies[k]; c == nil || c.rate(c.ok) < floor {
			t.Errorf("%s: correct rate %.3f, want >= %.2f", k, c.rate(c.ok), floor)
		}
	}
}

// TestProbe reports memory, preload time and latency of one configuration
// in a fresh process (lingua's models are process-global, so memory can only
// be measured this way). Run:
//
//	LANGDETECT_PROBE=1 go test ./pkg/langdetect -run TestProbe -v -count=1
func TestProbe(t *testing.T) {
	if os.Getenv("LANGDETECT_PROBE") == "" {
		t.Skip("set LANGDETECT_PROBE=1 to measure memory and latency")
	}
	seed, err := os.ReadFile(shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		t.Skip(err)
	}
	before := rss()
	start := time.Now()
	d, err := New([]string{"it", "en"}, envOptions(t)...)
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start)
	peak := hwm()
	runtime.GC()
	debug.FreeOSMemory()
	after := rss()
	body := string(seed)
	title, lede := "Amazon investe nel cloud e nell'AI", "Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI."
	words := strings.Fields(body)
	if len(words) > 600 {
		words = words[:600]
	}
	full := strings.Join(words, " ")
	perCall := func(f func()) time.Duration {
		f()
		n := 0
		start := time.Now()
		for time.Since(start) < 300*time.Millisecond {
			f()
			n++
		}
		return time.Since(start) / time.Duration(n)
	}
	lSample := perCall(func() { d.Detect("", full, "") })
	lFull := perCall(func() { d.Detect("", full, "") })
	_ = lFull
	lHead := perCall(func() { d.Detect(title, lede, "") })
	rawFull := perCall(func() { d.det.ComputeLanguageConfidenceValues(full) })
	runtime.GC()
	debug.FreeOSMemory()
	t.Logf("config others=%q high=%q", os.Getenv("LANGDETECT_OTHERS"), os.Getenv("LANGDETECT_HIGH"))
	t.Logf("RSS before New %.1f MB, after New+GC %.1f MB, peak %.1f MB, after use %.1f MB; preload %v",
		before, after, peak, rss(), build.Round(time.Millisecond))
	t.Logf("Detect 600-word article (sampled to %d chars): %v; title+lede: %v; unsampled 600 words: %v",
		DefaultSampleChars, lSample.Round(time.Microsecond), lHead.Round(time.Microsecond), rawFull.Round(time.Microsecond))
}

func procStatus(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func rss() float64 { return procStatus("VmRSS") }
func hwm() float64 { return procStatus("VmHWM") }
