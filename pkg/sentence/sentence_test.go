package sentence

import (
	"github.com/newsbrief/newsbrief/internal/corpus"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func split(text, lang string) []string { return Texts(text, Split(text, lang)) }

// probeIT is our own Italian paragraph in the style of the probe in
// research/deps.md §2.4: eight sentences full of abbreviations and elisions.
const probeIT = `Il sig. Rossi e la dott.ssa Bianchi hanno incontrato ieri il prof. Verdi a Milano. ` +
	`Secondo l'on. Neri, presente all'incontro, la proposta (cfr. pag. 12 del documento) è solida. ` +
	`La Alfa Tecnica S.p.A. ha confermato l'investimento di 3,5 milioni di euro. ` +
	`Il sen. Gialli ha chiesto chiarimenti all'avv. Russo e all'ing. Ferri. ` +
	`La riunione è iniziata alle 10.30 ed è durata tre ore, con una crescita stimata dello 0,8%. ` +
	`«Non ci fermeremo qui», ha detto il dott. Marino, dell'Alfa Tecnica S.r.l. e di altre società ecc. ` +
	`Cosa succederà adesso? ` +
	`Lo spiega l'art. 5 del contratto, firmato dal n. 2 dell'azienda.`

const probeEN = `Mr. Smith met Dr. Jones at 9 a.m. on Monday in Washington, D.C. to discuss the deal. ` +
	`The U.S. President was not there. ` +
	`Acme Inc. said revenue rose 3.5% to $1.2 billion, e.g. in cloud and chips. ` +
	`J. R. R. Tolkien wrote books, i.e. novels. ` +
	`"We are happy," she said. "It works." ` +
	`Wait... what happened? ` +
	`It moved to the U.S. The team followed.`

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		text string
		lang string
		want []string
	}{
		{"empty", "", "it", nil},
		{"spaces", "  \n\n \t", "it", nil},
		{"one", "Una frase.", "it", []string{"Una frase."}},
		{"no final stop", "  Una frase senza punto  ", "it", []string{"Una frase senza punto"}},
		{"probe it", probeIT, "it", []string{
			"Il sig. Rossi e la dott.ssa Bianchi hanno incontrato ieri il prof. Verdi a Milano.",
			"Secondo l'on. Neri, presente all'incontro, la proposta (cfr. pag. 12 del documento) è solida.",
			"La Alfa Tecnica S.p.A. ha confermato l'investimento di 3,5 milioni di euro.",
			"Il sen. Gialli ha chiesto chiarimenti all'avv. Russo e all'ing. Ferri.",
			"La riunione è iniziata alle 10.30 ed è durata tre ore, con una crescita stimata dello 0,8%.",
			"«Non ci fermeremo qui», ha detto il dott. Marino, dell'Alfa Tecnica S.r.l. e di altre società ecc.",
			"Cosa succederà adesso?",
			"Lo spiega l'art. 5 del contratto, firmato dal n. 2 dell'azienda.",
		}},
		{"probe en", probeEN, "en", []string{
			"Mr. Smith met Dr. Jones at 9 a.m. on Monday in Washington, D.C. to discuss the deal.",
			"The U.S. President was not there.",
			"Acme Inc. said revenue rose 3.5% to $1.2 billion, e.g. in cloud and chips.",
			"J. R. R. Tolkien wrote books, i.e. novels.",
			`"We are happy," she said.`,
			`"It works."`,
			"Wait... what happened?",
			"It moved to the U.S.",
			"The team followed.",
		}},
		{"quotes end inside", "Ha detto: «Basta così.» Poi è uscito. E “fine.” Ok.", "it", []string{
			"Ha detto: «Basta così.»", "Poi è uscito.", "E “fine.”", "Ok.",
		}},
		{"ellipsis", "Aspettava… Poi arrivò. E poi... niente. Fine... Davvero.", "it", []string{
			"Aspettava…", "Poi arrivò.", "E poi... niente.", "Fine...", "Davvero.",
		}},
		{"headings", "Titolo del pezzo\n\nPrimo paragrafo. Seconda frase.\nUn sottotitolo\nTesto del paragrafo.", "it", []string{
			"Titolo del pezzo", "Primo paragrafo.", "Seconda frase.", "Un sottotitolo", "Testo del paragrafo.",
		}},
		{"hard wrap", "Una frase lunga che va\na capo e continua.\nNuova frase.", "it", []string{
			"Una frase lunga che va\na capo e continua.", "Nuova frase.",
		}},
		{"comma at line end", "Alcuni elenchi,\nPoi Roma.", "it", []string{"Alcuni elenchi,\nPoi Roma."}},
		{"paragraph without stop", "Primo paragrafo senza punto\n\nSecondo", "it", []string{
			"Primo paragrafo senza punto", "Secondo",
		}},
		{"dateline", "Friday, July 21, 2017\n\nA group of teens won. They were happy.", "en", []string{
			"Friday, July 21, 2017", "A group of teens won.", "They were happy.",
		}},
		{"web and numbers", "Vai su www.example.com per 1.400 euro. Oppure chiama.", "it", []string{
			"Vai su www.example.com per 1.400 euro.", "Oppure chiama.",
		}},
		{"question lower", "«Perché?» chiese lui. Nessuno rispose!", "it", []string{
			"«Perché?» chiese lui.", "Nessuno rispose!",
		}},
		{"via is a word", "Lo hanno portato via. Il giorno dopo è tornato.", "it", []string{
			"Lo hanno portato via.", "Il giorno dopo è tornato.",
		}},
		{"St. inside a hyphenated name", "Flights to Minneapolis-St. Paul resumed on Monday. Delta said so.", "en", []string{
			"Flights to Minneapolis-St. Paul resumed on Monday.", "Delta said so.",
		}},
		{"St. before a name", "He lives in St. Louis. The city is big.", "en", []string{"He lives in St. Louis.", "The city is big."}},
		{"Inc. inside and at the end", "Apple Inc. said sales rose. It sued Acme Inc. The case goes on.", "en", []string{
			"Apple Inc. said sales rose.", "It sued Acme Inc.", "The case goes on.",
		}},
		{"U.S. at the end before a name", "The plant is the largest in the U.S. Analysts expect more. U.S. Steel agreed.", "en", []string{
			"The plant is the largest in the U.S.", "Analysts expect more.", "U.S. Steel agreed.",
		}},
		{"U.S. before a quote", "It was sold in the U.S. “We are glad,” he said.", "en", []string{
			"It was sold in the U.S.", "“We are glad,” he said.",
		}},
		{"Italian pag. n. art.", "Lo dice la Gazzetta a pag. 4, nel d.lgs. n. 36, all'art. 12 comma 3. Poi basta.", "it", []string{
			"Lo dice la Gazzetta a pag. 4, nel d.lgs. n. 36, all'art. 12 comma 3.", "Poi basta.",
		}},
		{"Italian initials", "Lo ha detto G. B. Shaw a Roma. Il pubblico ha applaudito.", "it", []string{
			"Lo ha detto G. B. Shaw a Roma.", "Il pubblico ha applaudito.",
		}},
		{"initial at the end", "La squadra di serie B. Poi la A.", "it", []string{"La squadra di serie B.", "Poi la A."}},
		{"curly elision", "Parla dell’avv. Conti e dell’on. Ricci. Fine.", "it", []string{
			"Parla dell’avv. Conti e dell’on. Ricci.", "Fine.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(tt.text, tt.lang)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split:\n got  %q\n want %q", got, tt.want)
			}
			checkSpans(t, tt.text, Split(tt.text, tt.lang))
		})
	}
}

// TestSplitSeed reads our lead article (internal/corpus) with headings put
// between its paragraphs, and checks that the headings stand alone and the
// count is right.
func TestSplitSeed(t *testing.T) {
	headings := []string{"Il piano per il Sud", "Chi paga: Pnrr e Bei", "I prezzi restano sotto i 30 euro"}
	paras := strings.Split(corpus.Get(corpus.Lead).Text, "\n\n")
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("\n\n")
			if i-1 < len(headings) {
				b.WriteString(headings[i-1] + "\n\n")
			}
		}
		b.WriteString(p)
	}
	got := split(b.String(), "it")
	for _, want := range headings {
		if !slices.Contains(got, want) {
			t.Errorf("heading %q not a sentence of its own", want)
		}
	}
	if len(got) != 12 { // the date line, the title, 3 headings, 7 sentences
		t.Errorf("got %d sentences, want 12: %q", len(got), got)
	}
}

func TestSplitArticlesSane(t *testing.T) {
	for _, a := range corpus.All() {
		spans := Split(a.Text, "")
		checkSpans(t, a.Text, spans)
		if len(spans) < 6 {
			t.Errorf("%s: %d sentences, want at least 6", a.Name, len(spans))
		}
		for _, s := range Texts(a.Text, spans) {
			if n := len(strings.Fields(s)); n > 160 {
				t.Errorf("%s: suspiciously long sentence (%d words): %.80q", a.Name, n, s)
			}
		}
	}
}

func checkSpans(t *testing.T, text string, spans []Span) {
	t.Helper()
	prev := 0
	for i, s := range spans {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("span %d %v out of order or bounds (prev end %d, len %d)", i, s, prev, len(text))
		}
		if !utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End])) {
			t.Fatalf("span %d %v not on a rune boundary", i, s)
		}
		first, _ := utf8.DecodeRuneInString(text[s.Start:])
		last, _ := utf8.DecodeLastRuneInString(text[:s.End])
		if unicode.IsSpace(first) || unicode.IsSpace(last) {
			t.Fatalf("span %d %q not trimmed", i, text[s.Start:s.End])
		}
		prev = s.End
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{probeIT, probeEN, "", ".", "...", "a.\n\nb", "«x.» y", "S.p.A. Il", "\xff.\n", "l'on.\n", "…”", "J. R. R.", "a\n\n\n", "Minneapolis-St. Paul", "x-–St. Y", "U.S. «Sì»", "-. A", "art. 5 n. 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spans := Split(text, "it")
		prev := 0
		for i, s := range spans {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("span %d %v out of order or bounds in %q", i, s, text)
			}
			// Rune boundaries only mean something in valid UTF-8.
			if utf8.ValidString(text) && (!utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End]))) {
				t.Fatalf("span %d %v not on a rune boundary in %q", i, s, text)
			}
			if strings.TrimSpace(text[s.Start:s.End]) == "" {
				t.Fatalf("span %d empty in %q", i, text)
			}
			prev = s.End
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	text := strings.Repeat(probeIT+"\n\n"+probeEN+"\n\n", 4)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text, "it")
	}
}
