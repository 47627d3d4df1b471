package entities

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/amount"
	"github.com/newsbrief/newsbrief/pkg/news"
)

var (
	engineOnce sync.Once
	engine     *Offline
	engineErr  error
)

func offline(t testing.TB) *Offline {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = NewOffline() })
	if engineErr != nil {
		t.Fatalf("NewOffline: %v", engineErr)
	}
	return engine
}

func find(es []news.Entity, name string) (news.Entity, bool) {
	for _, e := range es {
		if e.Name == name {
			return e, true
		}
	}
	return news.Entity{}, false
}

func checkOffsets(t *testing.T, body string, es []news.Entity) {
	t.Helper()
	for _, e := range es {
		if e.Count != len(e.Mentions) || e.Count == 0 {
			t.Errorf("%s: Count %d with %d mentions", e.Name, e.Count, len(e.Mentions))
		}
		for _, m := range e.Mentions {
			if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
				t.Fatalf("%s: bad mention %+v", e.Name, m)
			}
		}
	}
}

func seedBody(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		t.Skipf("seed article: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "date ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func TestExtractSeedArticle(t *testing.T) {
	body := seedBody(t)
	es := offline(t).Extract(body, "it")
	checkOffsets(t, body, es)
	want := []struct{ name, typ string }{
		{"Amazon", news.Org}, {"OpenAI", news.Org}, {"Microsoft", news.Org}, {"AWS", news.Org},
		{"Nvidia", news.Org}, {"Anthropic", news.Org}, {"Sam Altman", news.Person},
		{"ChatGPT", news.Product}, {"Trainium", news.Product},
	}
	for _, w := range want {
		t.Run(w.name, func(t *testing.T) {
			e, ok := find(es, w.name)
			if !ok {
				t.Fatalf("entity %q missing; got %v", w.name, names(es))
			}
			if e.Type != w.typ {
				t.Errorf("%s type = %s, want %s", w.name, e.Type, w.typ)
			}
		})
	}
	// "Aws" is written 8 times in the article and every one is AWS.
	if e, _ := find(es, "AWS"); e.Count != strings.Count(body, "Aws") {
		t.Errorf("AWS count = %d, want %d", e.Count, strings.Count(body, "Aws"))
	}
	for _, junk := range []string{"L’investimento", "Un", "Questa", "Aws", "ChatGpt", "Gpu", "Ai", "Amazon potrebbe"} {
		if _, ok := find(es, junk); ok {
			t.Errorf("junk entity %q in %v", junk, names(es))
		}
	}
}

func names(es []news.Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name+"/"+e.Type)
	}
	return out
}

func TestExtractCases(t *testing.T) {
	tests := []struct {
		name, lang, body string
		want             map[string]string // canonical name -> type
		surfaces         map[string][]string
		absent           []string
	}{
		{
			name: "elision curly and straight", lang: "it",
			body:     "Il ricorso dell’Amazon contro l'Antitrust è stato respinto dal tribunale di Roma.",
			want:     map[string]string{"Amazon": news.Org, "Antitrust": news.Org},
			surfaces: map[string][]string{"Amazon": {"Amazon"}, "Antitrust": {"Antitrust"}},
			absent:   []string{"dell’Amazon", "l'Antitrust"},
		},
		{
			name: "sentence-initial words", lang: "it",
			body:   "Questa mattina Microsoft ha presentato i conti. Un analista li ha giudicati deboli. Secondo Google il mercato crescerà.",
			want:   map[string]string{"Microsoft": news.Org, "Google": news.Org},
			absent: []string{"Questa", "Un", "Secondo", "Secondo Google"},
		},
		{
			name: "all caps acronyms", lang: "it",
			body:   "Il CEO di Nvidia ha detto che l'AI e le GPU cambieranno tutto. La NATO osserva.",
			want:   map[string]string{"Nvidia": news.Org, "NATO": news.Org},
			absent: []string{"CEO", "AI", "GPU"},
		},
		{
			name: "headline case", lang: "en",
			body:   "Amazon Weighs Multibillion Investment In OpenAI\n\nAmazon is in talks to invest in OpenAI, people familiar with the matter said.",
			want:   map[string]string{"Amazon": news.Org, "OpenAI": news.Org},
			absent: []string{"Weighs", "Multibillion Investment", "Amazon Weighs Multibillion Investment"},
		},
		{
			name: "aliases", lang: "it",
			body:     "Gli Usa e gli Stati Uniti d’America sono la stessa cosa. Amazon Web Services, cioè Aws, usa chip propri. Anche la Ue e l'Unione Europea discutono.",
			want:     map[string]string{"Stati Uniti": news.Location, "AWS": news.Org, "Unione europea": news.Org},
			surfaces: map[string][]string{"AWS": {"Amazon Web Services", "Aws"}, "Stati Uniti": {"Usa", "Stati Uniti d’America"}},
		},
		{
			name: "surname after full name", lang: "en",
			body:     "Sam Altman said on Tuesday that OpenAI will grow. Altman added that the company needs more chips.",
			want:     map[string]string{"Sam Altman": news.Person, "OpenAI": news.Org},
			surfaces: map[string][]string{"Sam Altman": {"Sam Altman", "Altman"}},
			absent:   []string{"Altman"},
		},
		{
			name: "product spellings", lang: "it",
			body:     "ChatGpt e ChatGPT sono lo stesso prodotto di OpenAI.",
			want:     map[string]string{"ChatGPT": news.Product},
			surfaces: map[string][]string{"ChatGPT": {"ChatGpt", "ChatGPT"}},
		},
	}
	o := offline(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es := o.Extract(tc.body, tc.lang)
			t.Logf("%v", names(es))
			checkOffsets(t, tc.body, es)
			for n, typ := range tc.want {
				e, ok := find(es, n)
				if !ok {
					t.Errorf("missing %s; got %v", n, names(es))
					continue
				}
				if e.Type != typ {
					t.Errorf("%s type = %s, want %s", n, e.Type, typ)
				}
			}
			for n, want := range tc.surfaces {
				e, _ := find(es, n)
				var got []string
				for _, m := range e.Mentions {
					got = append(got, tc.body[m.Start:m.End])
				}
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s mentions = %q, want %q", n, got, want)
				}
			}
			for _, n := range tc.absent {
				if _, ok := find(es, n); ok {
					t.Errorf("unexpected entity %q in %v", n, names(es))
				}
			}
		})
	}
}

// TestIdentity: the same thing in an Italian and an English article has one
// id, its name in the article's language and both names (issue #14).
func TestIdentity(t *testing.T) {
	o := offline(t)
	type want struct{ name, typ, id, it, en string }
	tests := []struct {
		lang, body string
		want       []want
		absent     []string
	}{
		{"it", "Gli Stati Uniti e la Commissione europea hanno discusso di chip con Poste Italiane. Poste ha confermato. Per la Commissione parlava Teresa Ribera.",
			[]want{{"Stati Uniti", "LOCATION", "Q30", "Stati Uniti", "United States"}, {"Commissione europea", "ORG", "Q8880", "Commissione europea", "European Commission"},
				{"Poste Italiane", "ORG", "org:poste-italiane", "Poste Italiane", "Poste Italiane"}, {"Teresa Ribera", "PERSON", "person:teresa-ribera", "Teresa Ribera", "Teresa Ribera"}},
			[]string{"Poste", "Commissione", "Commissione Teresa Ribera"}},
		{"en", "The United States and the European Commission discussed chips in Brussels. London and Rome joined the talks.",
			[]want{{"United States", "LOCATION", "Q30", "Stati Uniti", "United States"}, {"European Commission", "ORG", "Q8880", "Commissione europea", "European Commission"},
				{"Brussels", "LOCATION", "geonames:2800866", "Bruxelles", "Brussels"}, {"London", "LOCATION", "geonames:2643743", "Londra", "London"}},
			[]string{"Stati Uniti", "Bruxelles", "Londra", "Roma"}},
		{"en", "Regulators said the GDPR and the Digital Markets Act apply to Apple. The Cyber Solidarity Act was also cited.",
			[]want{{"GDPR", "LAW", "Q1172506", "GDPR", "GDPR"}, {"Digital Markets Act", "LAW", "law:dma", "Digital Markets Act", "Digital Markets Act"}, {"Apple", "ORG", "Q312", "Apple", "Apple"}},
			nil},
		{"en", "Microsoft Satya Nadella said Windows and Azure grew.",
			[]want{{"Microsoft", "ORG", "Q2283", "Microsoft", "Microsoft"}, {"Satya Nadella", "PERSON", "Q7426870", "Satya Nadella", "Satya Nadella"}},
			[]string{"Microsoft Satya Nadella"}},
		{"it", "Wingtech Technology ha perso il controllo. Secondo Wingtech la decisione è politica.",
			nil, []string{"Wingtech Technology"}},
		{"en", "By Toby Sterling\nAMSTERDAM (Reuters) - Nexperia said Easter sales in the Minneapolis-St. Paul area rose, the Tech Desk reported.",
			[]want{{"Nexperia", "ORG", "org:nexperia", "Nexperia", "Nexperia"}},
			[]string{"Toby Sterling", "Amsterdam", "Reuters", "Easter", "Paul", "Minneapolis-St", "Desk"}},
		{"en", "Wingtech Technology Co. Ltd. owns Nexperia; WhatsApp Ireland Limited runs WhatsApp in Europe.",
			[]want{{"Wingtech", "ORG", "org:wingtech", "Wingtech", "Wingtech"}, {"WhatsApp", "PRODUCT", "Q1049511", "WhatsApp", "WhatsApp"}},
			[]string{"Ireland Limited"}},
		{"en", "Apple sold more iPhone units than expected, and the iPhone maker raised its outlook.",
			[]want{{"iPhone", "PRODUCT", "Q2766", "iPhone", "iPhone"}}, nil},
	}
	for _, tc := range tests {
		es := o.Extract(tc.body, tc.lang)
		for _, w := range tc.want {
			e, ok := find(es, w.name)
			if !ok {
				t.Errorf("%s: missing %s in %v", tc.lang, w.name, names(es))
				continue
			}
			if e.Type != w.typ || e.ID != w.id || e.Names["it"] != w.it || e.Names["en"] != w.en {
				t.Errorf("%s: %s = %s %s %v; want %s %s it=%s en=%s", tc.lang, w.name, e.Type, e.ID, e.Names, w.typ, w.id, w.it, w.en)
			}
		}
		for _, n := range tc.absent {
			if _, ok := find(es, n); ok {
				t.Errorf("%s: unexpected %q in %v", tc.lang, n, names(es))
			}
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, typ, wantName, wantType string }{
		{"Aws", "ORG", "AWS", news.Org},
		{"Amazon Web Services", "ORG", "AWS", news.Org},
		{"USA", "LOCATION", "Stati Uniti", news.Location},
		{"United States", "LOCATION", "Stati Uniti", news.Location},
		{"ChatGpt", "ORG", "ChatGPT", news.Product},
		{"  Banca d’Italia ", "ORG", "Banca d'Italia", news.Org},
		{"Mario  Rossi", "PERSON", "Mario Rossi", news.Person},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			n, ty := Canonical(tc.in, tc.typ)
			if n != tc.wantName || ty != tc.wantType {
				t.Errorf("Canonical(%q, %q) = %q, %q; want %q, %q", tc.in, tc.typ, n, ty, tc.wantName, tc.wantType)
			}
		})
	}
}

func TestParseKBRejectsBadLines(t *testing.T) {
	for _, in := range []string{"NoType\n", "X\tTHING\ta\t\tb\n", "\tORG\tx\n", "x\tORG\t\n", "a\tORG\tA\na\tORG\tB\n"} {
		if _, err := parseKB(in, placesGz); err == nil {
			t.Errorf("parseKB(%q): want error", in)
		}
	}
}

func BenchmarkExtractSeed(b *testing.B) {
	b.ReportAllocs()
	o := offline(b)
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	body := string(data)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		o.Extract(body, "it")
	}
}

// BenchmarkExtractEnglish is the English counterpart (GUM article 1, which
// the English model trained on; the cost, not the tags, is measured).
func BenchmarkExtractEnglish(b *testing.B) {
	b.ReportAllocs()
	o := offline(b)
	data, err := os.ReadFile(shared.Path(b, "articles", "en_wikinews_001.txt"))
	if err != nil {
		b.Skip(err)
	}
	body := string(data)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		o.Extract(body, "en")
	}
}

func BenchmarkNewOffline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewOffline(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllSeed is what the pipeline's entities stage runs: names and amounts.
func BenchmarkAllSeed(b *testing.B) {
	b.ReportAllocs()
	o := offline(b)
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	body := string(data)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		o.All(body, "it")
	}
}

// BenchmarkAllArticles runs All over the shared articles in turn; one op is
// one article.
func BenchmarkAllArticles(b *testing.B) {
	b.ReportAllocs()
	o := offline(b)
	files, _ := filepath.Glob(filepath.Join(shared.Path(b, "articles"), "*.txt"))
	if len(files) == 0 {
		b.Skip("no articles")
	}
	var bodies, langs []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		bodies, langs = append(bodies, string(data)), append(langs, filepath.Base(f)[:2])
	}
	i := 0
	for b.Loop() {
		o.All(bodies[i%len(bodies)], langs[i%len(langs)])
		i++
	}
}

// BenchmarkAllSeedHeldOut is AllSeed on an engine that has read the shared
// articles, not the seed, with its word caches then frozen: the seed's cost
// as a new article (AllSeed repeats it, so all its words end up cached).
func BenchmarkAllSeedHeldOut(b *testing.B) {
	b.ReportAllocs()
	o, err := NewOffline()
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(shared.Path(b, "articles"), "*.txt"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		o.All(string(data), filepath.Base(f)[:2])
	}
	freezeWordCaches(o)
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	body := string(data)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		o.All(body, "it")
	}
}

// BenchmarkAllHeldOut measures All on articles the engine has not seen: a
// fresh engine reads the even-numbered shared articles, its word caches are
// then frozen (freezeWordCaches), and one op is one odd-numbered article in
// turn. The other benchmarks repeat their articles, so their words are all
// in the model's word cache after the first op: they overstate the cache.
func BenchmarkAllHeldOut(b *testing.B) {
	b.ReportAllocs()
	o, err := NewOffline()
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(shared.Path(b, "articles"), "*.txt"))
	if len(files) < 2 {
		b.Skip("no articles")
	}
	var bodies, langs []string
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		lang := filepath.Base(f)[:2]
		if i%2 == 0 {
			o.All(string(data), lang)
			continue
		}
		bodies, langs = append(bodies, string(data)), append(langs, lang)
	}
	freezeWordCaches(o)
	i := 0
	for b.Loop() {
		o.All(bodies[i%len(bodies)], langs[i%len(langs)])
		i++
	}
}

// BenchmarkLoadKB parses the embedded knowledge base and builds its alias
// gazetteer, as NewOffline does once per process.
func BenchmarkLoadKB(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		k, err := parseKB(kbTSV, placesGz)
		if err != nil {
			b.Fatal(err)
		}
		t := aliasTable{}
		for key := range k.byKey {
			if r, ok := k.gazetteerEntry(key); ok {
				t[key] = alias{canonical: k.rows[r].name("it"), typ: k.rows[r].typ, row: r}
			}
		}
		newGazetteer(t)
	}
}

// TestAllInContext: dates resolve against the publication date, and a
// currency's country is no LOCATION (issue #14).
func TestAllInContext(t *testing.T) {
	o := offline(t)
	pub := time.Date(2025, 11, 19, 12, 0, 0, 0, time.UTC)
	body := "TSMC reported revenue of 452.3 billion new Taiwan dollars on Monday. Taiwan is home to TSMC."
	es := o.AllIn(body, "en", amount.Context{Published: &pub})
	var taiwan, money, date *news.Entity
	for i, e := range es {
		switch {
		case e.Type == news.Location && e.Name == "Taiwan":
			taiwan = &es[i]
		case e.Type == news.Money:
			money = &es[i]
		case e.Type == news.Date:
			date = &es[i]
		}
	}
	if taiwan == nil || taiwan.Count != 1 || body[taiwan.Mentions[0].Start:taiwan.Mentions[0].End] != "Taiwan" || taiwan.Mentions[0].Start < 60 {
		t.Errorf("Taiwan = %+v; want one mention, in the second sentence", taiwan)
	}
	if money == nil || money.Currency != "TWD" {
		t.Errorf("money = %+v; want TWD", money)
	}
	if date == nil || date.ISO != "2025-11-17" || !date.Approximate {
		t.Errorf("date = %+v; want 2025-11-17, approximate", date)
	}
}

// TestLink gives another engine's entities the knowledge base's identity.
func TestLink(t *testing.T) {
	o := offline(t)
	v := 1.0
	ents := []news.Entity{
		{Name: "USA", Type: news.Location}, {Name: "Commissione Europea", Type: news.Org},
		{Name: "Nexperia", Type: news.Location}, {Name: "Mario Rossi", Type: news.Person},
		{Name: "10 miliardi", Type: news.Quantity, Value: &v},
	}
	o.Link(ents, "en")
	want := []struct{ name, typ, id string }{
		{"United States", news.Location, "Q30"}, {"European Commission", news.Org, "Q8880"},
		{"Nexperia", news.Org, "org:nexperia"}, {"Mario Rossi", news.Person, ""}, {"10 miliardi", news.Quantity, ""},
	}
	for i, w := range want {
		if e := ents[i]; e.Name != w.name || e.Type != w.typ || e.ID != w.id {
			t.Errorf("Link: %d = %q %s %q; want %q %s %q", i, e.Name, e.Type, e.ID, w.name, w.typ, w.id)
		}
	}
}
