package entities

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/newsbrief/newsbrief/internal/shared"
	"github.com/newsbrief/newsbrief/pkg/nereval"
)

func TestDocConsistency(t *testing.T) {
	m := offline(t).models["en"]
	split := func(s string) []string { return strings.Fields(s) }
	tests := []struct {
		name      string
		sents, in []string // tags space-separated, one string per sentence
		want      []string
	}{
		{
			name:  "surname alone after the full name, missed or mistyped",
			sents: []string{"Artist Andy Warhol died in 1987 .", "Warhol painted soup cans .", "The Warhol show opened ."},
			in:    []string{"O B-PER I-PER O O O O", "B-ORG O O O O", "O O O O O"},
			want:  []string{"O B-PER I-PER O O O O", "B-PER O O O O", "O B-PER O O O"},
		},
		{
			name:  "majority type",
			sents: []string{"Sweden beat Belgium .", "Sweden won .", "Sweden lost ."},
			in:    []string{"B-ORG O B-LOC O", "B-ORG O O", "B-LOC O O"},
			want:  []string{"B-ORG O B-LOC O", "B-ORG O O", "B-ORG O O"},
		},
		{
			name:  "tie keeps both",
			sents: []string{"Paris is big .", "Paris spoke ."},
			in:    []string{"B-LOC O O O", "B-PER O O"},
			want:  []string{"B-LOC O O O", "B-PER O O"},
		},
		{
			name:  "a name tagged twice fills an untagged repeat, not a sentence-initial common word",
			sents: []string{"He joined Home Office staff .", "The Home Office said so .", "Home Office rules .", "Home Office again now .", "The end ."},
			in:    []string{"O O B-ORG I-ORG O O", "O B-ORG I-ORG O O O", "O O O O", "O O O O O", "B-ORG O O"},
			want:  []string{"O O B-ORG I-ORG O O", "O B-ORG I-ORG O O O", "B-ORG I-ORG O O", "B-ORG I-ORG O O O", "B-ORG O O"},
		},
		{
			name:  "a name tagged once does not fill",
			sents: []string{"He met Budweiser staff .", "Budweiser said no ."},
			in:    []string{"O O B-ORG O O", "O O O O"},
			want:  []string{"O O B-ORG O O", "O O O O"},
		},
		{
			name:  "title words are not name parts, nor part of the name",
			sents: []string{"Ambassador Hamdullah Mohib spoke .", "The Ambassador left ."},
			in:    []string{"B-PER I-PER I-PER O O", "O O O O"},
			want:  []string{"O B-PER I-PER O O", "O O O O"},
		},
		{
			name:  "what stands before a title goes with it",
			sents: []string{"Afghan Ambassador Mohib and Afghan Ambassador spoke .", "The Afghan team won ."},
			in:    []string{"B-PER I-PER I-PER O B-PER I-PER O O", "O O O O O"},
			want:  []string{"O O B-PER O O O O O", "O O O O O"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sents, tags [][]string
			for i := range tc.sents {
				sents, tags = append(sents, split(tc.sents[i])), append(tags, split(tc.in[i]))
			}
			m.docConsistency(sents, tags, "en")
			for i := range tags {
				if got := strings.Join(tags[i], " "); got != tc.want[i] {
					t.Errorf("sentence %d %q: tags %q, want %q", i, tc.sents[i], got, tc.want[i])
				}
			}
		})
	}
}

// TestExtractDocumentConsistency: a surname the tagger misses on its own
// ("It's Zorblat.") joins the person named in full earlier in the article.
func TestExtractDocumentConsistency(t *testing.T) {
	m := offline(t).models["en"]
	if tg := m.Tag(strings.Fields(`" It 's Zorblat .`)); tg[3] != "O" {
		t.Skipf("the tagger finds Zorblat alone (%v): the test needs a name it misses", tg)
	}
	body := "The artist Andy Zorblat died.\n\n\"It's Zorblat.\""
	es := offline(t).Extract(body, "en")
	e, ok := find(es, "Andy Zorblat")
	if !ok || e.Count != 2 {
		t.Errorf("Andy Zorblat: %+v (found %v), want 2 mentions; entities %v", e, ok, names(es))
	}
}

func TestKINDDevDocs(t *testing.T) {
	sents, err := nereval.ReadFile(shared.Path(t, "ner", "it_kind_wikinews_dev_gold.conll"))
	if err != nil {
		t.Skipf("labelled file not readable: %v", err)
	}
	got, err := nereval.ReadDocStarts("testdata/it_kind_dev_docs.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := nereval.GuessDocStarts(sents); !reflect.DeepEqual(got, want) {
		t.Errorf("testdata/it_kind_dev_docs.txt has %d starts, the rule gives %d", len(got), len(want))
	}
}

// TestGUMDocs checks that every document start of the GUM file is the title
// of the matching English article.
func TestGUMDocs(t *testing.T) {
	sents, err := nereval.ReadFile(shared.Path(t, "ner", "en_gum_news_gold.conll"))
	if err != nil {
		t.Skipf("labelled file not readable: %v", err)
	}
	starts, err := nereval.ReadDocStarts("testdata/en_gum_news_docs.txt")
	if err != nil {
		t.Fatal(err)
	}
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	if len(starts) != 24 {
		t.Fatalf("%d document starts, want 24", len(starts))
	}
	for d, st := range starts {
		b, err := os.ReadFile(shared.Path(t, "articles", fmt.Sprintf("en_wikinews_%03d.txt", d+1)))
		if err != nil {
			t.Skipf("article: %v", err)
		}
		title, _, _ := strings.Cut(string(b), "\n")
		if s := letters(strings.Join(sents[st].Tokens, "")); s == "" || !strings.HasPrefix(letters(title), s) {
			t.Errorf("document %d starts at sentence %d %q, want the title %q", d+1, st, strings.Join(sents[st].Tokens, " "), title)
		}
	}
}

func TestDocConsistencyThe(t *testing.T) {
	m := offline(t).models["en"]
	for _, tc := range []struct{ lang, want string }{{"en", "O B-ORG I-ORG O"}, {"it", "B-ORG I-ORG I-ORG O"}} {
		tags := [][]string{strings.Fields("B-ORG I-ORG I-ORG O")}
		m.docConsistency([][]string{strings.Fields("The Huffington Post .")}, tags, tc.lang)
		if got := strings.Join(tags[0], " "); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.lang, got, tc.want)
		}
	}
}

func TestHyphenJoins(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Cheuk", "yan", true}, {"Wright", "Patterson", true}, {"al", "Ikhbariya", true}, {"Make", "A", true},
		{"all", "girl", false}, {"Safari", "and", false}, {"SOCCER", "JAPAN", false}, {"Paris", "\"", false},
	} {
		if got := hyphenJoins(tc.a, tc.b); got != tc.want {
			t.Errorf("hyphenJoins(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestTagHyphens: the pieces of a hyphenated word split by the file are
// tagged as the whole word, and the pieces after the first continue it.
func TestTagHyphens(t *testing.T) {
	m := offline(t).models["en"]
	toks := strings.Fields("Democrat Lee Cheuk - yan met Wright - Patterson staff .")
	whole := m.Tag(strings.Fields("Democrat Lee Cheuk-yan met Wright-Patterson staff ."))
	var want []string
	for i, tg := range whole {
		want = append(want, tg)
		if i == 2 || i == 4 {
			c := tg
			if c != "O" {
				c = "I-" + c[2:]
			}
			want = append(want, c, c)
		}
	}
	if got := m.tagHyphens(toks); !reflect.DeepEqual(got, want) {
		t.Errorf("tagHyphens %q:\n got %q\nwant %q", toks, got, want)
	}
	if got := m.tagDoc([][]string{toks}, "it", true)[0]; !reflect.DeepEqual(got, m.Tag(toks)) {
		t.Errorf("Italian tagDoc joined hyphens: %q", got)
	}
	if got := m.TagDoc([][]string{toks}, "en")[0]; !reflect.DeepEqual(got, m.Tag(toks)) {
		t.Errorf("TagDoc joined hyphens without being told the file splits them: %q", got)
	}
}

func TestSplitsHyphens(t *testing.T) {
	split := [][]string{strings.Fields("Lee Cheuk - yan and Wright - Patterson , anti-Beijing .")}
	kept := [][]string{strings.Fields("Lee Cheuk-yan and Wright-Patterson , Bangkok - Chiang Mai .")}
	if !SplitsHyphens(split) || SplitsHyphens(kept) {
		t.Errorf("SplitsHyphens: %v for split words, %v for whole ones", SplitsHyphens(split), SplitsHyphens(kept))
	}
}
