package llm

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestCheckClaims(t *testing.T) {
	const it = "Amazon investirà più di 10 miliardi di dollari in OpenAI, che userà i chip Trainium di AWS. L'accordo è stato annunciato il 17 dicembre 2025 a Seattle; i dipendenti sono 1.200 e la quota è del 4,5%."
	const en = "The company, based in Milan, sold 1,200,000 units in March. Sundar Pichai said the M3 chip costs $999."
	tests := []struct {
		name, article, text string
		want                []string // violation texts
	}{
		{"copied sentence", it, "Amazon investirà più di 10 miliardi di dollari in OpenAI.", nil},
		{"translated numbers and names", it, "Amazon will invest more than $10 billion in OpenAI, using AWS Trainium chips.", nil},
		{"translated month", it, "The deal was announced on December 17, 2025 in Seattle.", nil},
		{"thousands separators", it, "It has 1,200 employees and a 4.5% stake.", nil},
		{"invented number", it, "Amazon will invest $12 billion.", []string{"12"}},
		{"invented name mid-sentence", it, "The deal involves Microsoft and AWS.", []string{"Microsoft"}},
		{"invented acronym at start", it, "IBM is not involved.", []string{"IBM"}},
		{"sentence-start word not checked", it, "Analysts expect more deals.", nil},
		{"title case headline", it, "Amazon Plans To Invest Heavily In OpenAI", nil},
		{"title case still checks numbers", it, "Amazon Plans To Invest $50 Billion In OpenAI", []string{"50"}},
		{"italian elision", it, "Secondo l'accordo di Amazon con OpenAI.", nil},
		{"alias country", en, "L'azienda ha sede a Milano e ha venduto 1.200.000 unità a marzo.", nil},
		{"name with digits", en, "Pichai said the M4 chip costs $999.", []string{"M4"}},
		{"space thousands", en, "It sold 1 200 000 units.", nil},
		{"unit suffix", it, "Amazon may invest 10bn in OpenAI.", nil},
		{"stop names", it, "The CEO of Amazon spoke about AI.", nil},
		{"number words", "On day five in Washington D.C. the Australia team won.", "On day 5 in DC the Australian team won.", nil},
		{"short stems not merged", "Apple sold more.", "The Apples sold more.", []string{"Apples"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range checkClaims(indexArticle(tt.article), "summary", tt.text) {
				got = append(got, v.Text)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("violations = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFindSpans(t *testing.T) {
	body := "OpenAI e Amazon.  L’accordo con Open AI,\nAmazon  Web Services e AmazonBasics: l'accordo."
	tests := []struct {
		surface string
		want    []string
	}{
		{"Amazon", []string{"Amazon", "Amazon"}},                  // exact, whole words only
		{"amazon web services", []string{"Amazon  Web Services"}}, // case and spaces
		{"L'accordo", []string{"L’accordo", "l'accordo"}},         // apostrophe and case
		{"Open AI", []string{"Open AI"}},
		{"Microsoft", nil},
		{"", nil},
	}
	f := foldText(body)
	for _, tt := range tests {
		t.Run(tt.surface, func(t *testing.T) {
			var got []string
			for _, m := range findSpans(body, f, tt.surface) {
				got = append(got, body[m.Start:m.End])
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("spans = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	para := strings.Repeat("word ", 300) // 1500 bytes
	body := para + "\n\n" + para + "\n\n" + para
	tests := []struct {
		name      string
		body      string
		maxTokens int
		wantLen   int
		wantCut   bool
	}{
		{"short", "hello", 10, 5, false},
		{"paragraph boundary", body, 800, len(para)*2 + 2 - 1, true}, // 3200-byte budget: two paragraphs
		{"rune boundary", strings.Repeat("è", 100), 10, 40, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := truncate(tt.body, tt.maxTokens)
			if len(got) != tt.wantLen || cut != tt.wantCut || !utf8.ValidString(got) {
				t.Errorf("len %d cut %v valid %v, want len %d cut %v", len(got), cut, utf8.ValidString(got), tt.wantLen, tt.wantCut)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"fraction", http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{"ms header wins", http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{"date", http.Header{"Retry-After": {now.Add(time.Minute).Format(http.TimeFormat)}}, time.Minute},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"negative", http.Header{"Retry-After": {"-3"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.h, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseBrief(t *testing.T) {
	tests := []struct {
		name, reply string
		wantErr     bool
	}{
		{"ok", `{"headline":"H","summary":"S","key_points":["a"],"topics":["ai"]}`, false},
		{"fenced", "```json\n{\"headline\":\"H\",\"summary\":\"S\",\"key_points\":[],\"topics\":[]}\n```", false},
		{"think block", `<think>hmm</think>{"headline":"H","summary":"S","key_points":[],"topics":["m&a"]}`, false},
		{"unknown topic", `{"headline":"H","summary":"S","key_points":[],"topics":["sports"]}`, true},
		{"missing key points", `{"headline":"H","summary":"S","topics":["ai"]}`, true},
		{"extra field", `{"headline":"H","summary":"S","key_points":[],"topics":["ai"],"x":1}`, true},
		{"empty headline", `{"headline":" ","summary":"S","key_points":[],"topics":["ai"]}`, true},
		{"trailing text", `{"headline":"H","summary":"S","key_points":[],"topics":["ai"]} ok?`, true},
		{"not json", `Sure! Here is the brief`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := parseBrief(tt.reply)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && len(out.Topics) == 0 {
				t.Errorf("no topics: %+v", out)
			}
		})
	}
}

func FuzzParseBrief(f *testing.F) {
	f.Add(`{"headline":"H","summary":"S","key_points":["a"],"topics":["ai"]}`)
	f.Add("```json\n{}\n```")
	f.Add(`{"headline":null}`)
	f.Fuzz(func(t *testing.T, s string) {
		out, err := parseBrief(s)
		if err == nil && (out.Headline == "" || out.Summary == "" || len(out.Topics) == 0) {
			t.Errorf("accepted incomplete brief %+v", out)
		}
	})
}

func FuzzParseEntities(f *testing.F) {
	f.Add(`{"entities":[{"name":"A","type":"ORG","surface":["A"]}]}`)
	f.Add(`{"entities":[{"name":"A","type":"X","surface":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		ents, err := parseEntities(s)
		for _, e := range ents {
			if err == nil && (e.Name == "" || !contains(EntityTypes, e.Type)) {
				t.Errorf("accepted invalid entity %+v", e)
			}
		}
	})
}

func FuzzGrounding(f *testing.F) {
	f.Add("Amazon investe 1.200 milioni in OpenAI.", "amazon")
	f.Add("L’accordo  con\nAWS", "l'accordo con aws")
	f.Add("\xff\xfeè", "è")
	f.Fuzz(func(t *testing.T, body, surface string) {
		for _, m := range findSpans(body, foldText(body), surface) {
			if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
				t.Fatalf("span %v out of range for %d bytes", m, len(body))
			}
		}
		ix := indexArticle(body)
		if v := checkClaims(ix, "summary", body); len(v) > 0 {
			t.Errorf("a text is not grounded in itself: %v", v)
		}
		for _, tk := range tokenize(surface) {
			if tk.text == "" {
				t.Fatal("empty token")
			}
		}
	})
}

func FuzzConfigFromEnv(f *testing.F) {
	f.Add("http://localhost:11434", "30s", "2", "4", "0", "wait", "it,en", `{"m":{"prompt":1,"completion":2}}`)
	f.Add("ftp://x", "-1s", "x", "0", "-5", "later", "italiano", `[]`)
	f.Fuzz(func(t *testing.T, base, timeout, retries, conc, tokens, mode, langs, prices string) {
		env := map[string]string{"OPENAI_BASE_URL": base, "NEWSBRIEF_LLM_TIMEOUT": timeout, "NEWSBRIEF_LLM_RETRIES": retries,
			"NEWSBRIEF_LLM_CONCURRENCY": conc, "NEWSBRIEF_LLM_DAILY_TOKENS": tokens, "NEWSBRIEF_LLM_BUDGET_MODE": mode,
			"NEWSBRIEF_BRIEF_LANGUAGES": langs, "NEWSBRIEF_LLM_PRICES": prices, "OPENAI_API_KEY": "sk-secret"}
		c, err := ConfigFromEnv(func(k string) string { return env[k] })
		if err == nil && (c.Timeout <= 0 || c.Concurrency < 1 || c.Retries < 0 || c.DailyTokens < 0) {
			t.Errorf("accepted bad config %v", c)
		}
		if strings.Contains(c.String(), "sk-secret") {
			t.Error("String leaks the key")
		}
	})
}

func TestGroundEntitiesMerge(t *testing.T) {
	c := &Client{opt: Options{Canonical: func(n, typ string) (string, string) {
		if n == "AWS" {
			return "Amazon Web Services", typ
		}
		return n, typ
	}}}
	body := "Amazon Web Services (AWS) said AWS will grow."
	var u Usage
	got := c.groundEntities(body, "en", []rawEntity{
		{Name: "Amazon Web Services", Type: news.Org, Surface: []string{"Amazon Web Services"}},
		{Name: "AWS", Type: news.Org, Surface: []string{"AWS"}},
	}, &u)
	if len(got) != 1 || got[0].Count != 3 {
		t.Fatalf("got %+v, want one entity with 3 mentions", got)
	}
}
