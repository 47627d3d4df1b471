package summarise

import (
	"github.com/newsbrief/newsbrief/internal/corpus"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/sentence"
)

// Our own short articles.
const itArticle = `date 2026-03-02 La startup milanese Nuvola Quantica ha chiuso un round da 25 milioni di euro guidato dal fondo Alfa Ventures, per portare i suoi chip per l’intelligenza artificiale nei data center europei. L’operazione è la più grande dell’anno per una startup italiana di semiconduttori.

Chi è Nuvola Quantica

Fondata nel 2021 da due ricercatori del Politecnico di Milano, l’azienda progetta acceleratori a basso consumo per l’inferenza dei modelli linguistici. Oggi conta 80 dipendenti tra Milano e Monaco di Baviera.

I nuovi fondi serviranno ad assumere 120 ingegneri entro il 2027 e ad avviare la produzione dei primi chip presso una fonderia taiwanese. «Vogliamo dimostrare che l’Europa può competere nell’hardware per l’Ai», ha detto l’amministratrice delegata Giulia Ferri.

Il mercato dei chip per l’Ai vale oltre 100 miliardi di dollari ed è dominato da Nvidia. Secondo gli analisti, i consumi energetici dei data center spingono i clienti a cercare alternative più efficienti.

Il round arriva dopo l’approvazione dell’AI Act europeo, che impone nuovi obblighi ai fornitori di modelli di intelligenza artificiale.`

const enArticle = `Monday, March 2, 2026

Harbor Telecom said on Monday it would buy the fibre network of rival Coastline Broadband for $1.4 billion, creating the second-largest broadband provider in the region. The deal still needs approval from the competition regulator.

The combined company will serve about 3 million homes. Harbor's chief executive, Dana Kim, said prices for existing customers would not rise in 2026.

A map of the Coastline network. Image: Harbor Telecom.

Analysts said the purchase gives Harbor the fibre it needs to offer 5G backhaul to mobile operators. Coastline's shares rose 18% after the announcement.

The regulator has 90 days to open an in-depth investigation.`

func TestOffline(t *testing.T) {
	tests := []struct {
		name, title, body, lang string
		summaryHas              []string
		summaryNot              []string
		topics                  []string
	}{
		{
			name: "it startup", body: itArticle, lang: "it",
			summaryHas: []string{"La startup milanese Nuvola Quantica"},
			summaryNot: []string{"date 2026", "Chi è Nuvola Quantica"},
			topics:     []string{"chips", "funding"},
		},
		{
			name: "en deal", title: "Harbor Telecom to buy Coastline's fibre network", body: enArticle, lang: "en",
			summaryHas: []string{"Harbor Telecom said on Monday"},
			summaryNot: []string{"March 2, 2026", "Image:"},
			topics:     []string{"telecom", "m&a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Offline(tt.title, tt.body, tt.lang, nil)
			checkResult(t, tt.body, r)
			for _, s := range tt.summaryHas {
				if !strings.Contains(r.Summary, s) {
					t.Errorf("summary %q lacks %q", r.Summary, s)
				}
			}
			for _, s := range tt.summaryNot {
				if strings.Contains(r.Summary, s) {
					t.Errorf("summary %q contains %q", r.Summary, s)
				}
			}
			for _, tp := range tt.topics {
				if !slices.Contains(r.Topics, tp) {
					t.Errorf("topics %v lack %q", r.Topics, tp)
				}
			}
			if tt.title != "" && r.Headline != tt.title {
				t.Errorf("headline: got %q, want the title %q", r.Headline, tt.title)
			}
		})
	}
}

// checkResult asserts the documented shape of a Result.
func checkResult(t *testing.T, body string, r Result) {
	t.Helper()
	if n := utf8.RuneCountInString(r.Headline); n == 0 || n > MaxHeadline {
		t.Errorf("headline %q has %d runes, want 1..%d", r.Headline, n, MaxHeadline)
	}
	n := len(sentence.Split(r.Summary, ""))
	if n < 2 || n > 4 {
		t.Errorf("summary has %d sentences, want 2..4: %q", n, r.Summary)
	}
	if len(r.KeyPoints) < 2 || len(r.KeyPoints) > maxKeyPoints {
		t.Errorf("got %d key points, want 2..%d: %q", len(r.KeyPoints), maxKeyPoints, r.KeyPoints)
	}
	sumSents := sentence.Texts(r.Summary, sentence.Split(r.Summary, ""))
	for i, kp := range r.KeyPoints {
		if strings.Contains(r.Summary, strings.TrimSuffix(kp, "…")) {
			t.Errorf("key point %q is in the summary", kp)
		}
		for _, o := range append(append([]string(nil), r.KeyPoints[:i]...), sumSents...) {
			if j := mapJaccard(keySet(kp), keySet(o)); j >= 0.5 {
				t.Errorf("key point %q near-duplicates %q (Jaccard %.2f)", kp, o, j)
			}
		}
	}
	for _, tp := range r.Topics {
		if !slices.Contains(Taxonomy, tp) {
			t.Errorf("topic %q not in the taxonomy", tp)
		}
	}
	for _, k := range r.Keywords {
		if stopwords[strings.ToLower(k)] {
			t.Errorf("keyword %q is a stopword", k)
		}
	}
}

// mapJaccard is jaccard over key strings, for texts tokenized apart.
func mapJaccard(a, b map[string]int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] > 0 {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func keySet(s string) map[string]int {
	m := map[string]int{}
	for _, w := range tokenize(s) {
		if w.content() {
			m[truncate(w.lower, keyLen)]++
		}
	}
	return m
}

func TestHeadline(t *testing.T) {
	long := "Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI, portando nelle casse della società oltre 10 miliardi di dollari."
	tests := []struct{ name, title, lead, want string }{
		{"title fits", "Amazon punta su OpenAI.", long, "Amazon punta su OpenAI"},
		{"lead clause", "", long, "Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI"},
		{"word cut", "", strings.Repeat("parola ", 30) + "fine.", strings.TrimSpace(strings.Repeat("parola ", 15)) + "…"},
		{"spaces folded", "  Titolo\n con  spazi ", "", "Titolo con spazi"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Headline(tt.title, tt.lead)
			if got != tt.want {
				t.Errorf("Headline: got %q, want %q", got, tt.want)
			}
			if utf8.RuneCountInString(got) > MaxHeadline {
				t.Errorf("Headline too long: %d runes", utf8.RuneCountInString(got))
			}
		})
	}
}

func TestLead(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1, "Monday, March 2, 2026"},
		{0, ""},
	}
	for _, tt := range tests {
		if got := Lead(enArticle, "en", tt.n); got != tt.want {
			t.Errorf("Lead(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := LeadSkip(enArticle, "en", 1); !strings.HasPrefix(got, "Harbor Telecom said") {
		t.Errorf("LeadSkip(1): got %q", got)
	}
}

func TestOfflineEntities(t *testing.T) {
	i := strings.Index(enArticle, "Dana Kim")
	ents := []news.Entity{{Name: "Dana Kim", Type: news.Person, Count: 1, Mentions: []news.Mention{{Start: i, End: i + len("Dana Kim")}}}}
	r := Offline("", enArticle, "en", ents)
	checkResult(t, enArticle, r)
	if !slices.Contains(r.Keywords, "Dana Kim") {
		t.Errorf("keywords %v lack the entity Dana Kim", r.Keywords)
	}
}

// TestOfflineSeed: our lead article (internal/corpus) gets its lead as the
// summary, no metadata, and its topics.
func TestOfflineSeed(t *testing.T) {
	text := corpus.Get(corpus.Lead).Text
	r := Offline("", text, "it", nil)
	t.Logf("\nheadline: %s\nsummary: %s\nkey points:\n- %s\ntopics: %v\nkeywords: %v",
		r.Headline, r.Summary, strings.Join(r.KeyPoints, "\n- "), r.Topics, r.Keywords)
	checkResult(t, text, r)
	if strings.Contains(r.Headline+r.Summary, "date 2025") {
		t.Errorf("metadata leaked: %q / %q", r.Headline, r.Summary)
	}
	if !strings.HasPrefix(r.Summary, "Fastweb e Vodafone Italia porteranno") {
		t.Errorf("summary does not start with the lead: %q", r.Summary)
	}
	if !slices.Contains(r.Topics, "telecom") {
		t.Errorf("topics %v lack %q", r.Topics, "telecom")
	}
}

// TestOfflineArticles runs each of our articles (internal/corpus) through
// Offline and checks the shape of the result.
func TestOfflineArticles(t *testing.T) {
	for _, a := range corpus.All() {
		r := Offline(a.Title(), a.Body(), a.Lang, nil)
		checkResult(t, a.Body(), r)
		if utf8.RuneCountInString(r.Headline) > MaxHeadline || r.Summary == "" || len(r.KeyPoints) < 2 {
			t.Errorf("%s: headline %q, summary %q, %d key points", a.Name, r.Headline, r.Summary, len(r.KeyPoints))
		}
	}
}

func FuzzOffline(f *testing.F) {
	for _, s := range []string{itArticle, enArticle, "", "a", "Titolo\n\nTesto.", "date 2025-01-01", "...\n\n..."} {
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		r := Offline(title, body, "it", nil)
		if utf8.RuneCountInString(r.Headline) > MaxHeadline {
			t.Fatalf("headline too long: %q", r.Headline)
		}
		if len(r.KeyPoints) > maxKeyPoints {
			t.Fatalf("%d key points", len(r.KeyPoints))
		}
	})
}

func BenchmarkOffline(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skipf("seed not readable: %v", err)
	}
	body := string(data)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Offline("", body, "it", nil)
	}
}

// BenchmarkOfflineEnts is Offline as the pipeline calls it, with the
// article's entities (here the golden test's stand-ins, 1 per name).
func BenchmarkOfflineEnts(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skipf("seed not readable: %v", err)
	}
	body := string(data)
	ents := fakeEntities(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Offline("", body, "it", ents)
	}
}
