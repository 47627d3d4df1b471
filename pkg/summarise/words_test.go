package summarise

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// refWord and refTokenize are the tokenizer before round 3 of issue #7,
// verbatim but for the names: the reference for the one-buffer tokenizer.
type refWord struct {
	surface, lower, key string
	stop, cap, num      bool
}

func refTokenize(s string) []refWord {
	var out []refWord
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-' && r != '&'
	}) {
		f = strings.Trim(f, "'’-&")
		if i := strings.IndexAny(f, "'’"); i > 0 && i <= 5 {
			if elided[strings.ToLower(f[:i])] {
				_, size := utf8.DecodeRuneInString(f[i:])
				f = f[i+size:]
			}
		}
		if f == "" {
			continue
		}
		lw := strings.ToLower(f)
		r, _ := utf8.DecodeRuneInString(f)
		w := refWord{surface: f, lower: lw, stop: stopwords[lw], cap: unicode.IsUpper(r)}
		w.num = strings.IndexFunc(f, unicode.IsDigit) >= 0
		w.key = truncate(lw, keyLen)
		if lw == "'s" || lw == "s" {
			continue
		}
		out = append(out, w)
	}
	return out
}

func checkTokenize(t *testing.T, s string) {
	t.Helper()
	got, want := tokenize(s), refTokenize(s)
	if len(got) != len(want) {
		t.Fatalf("tokenize(%q): %d words, want %d", s, len(got), len(want))
	}
	ids := map[string]int32{}
	for i, w := range got {
		r := want[i]
		if w.surface != r.surface || w.lower != r.lower || w.stop != r.stop || w.cap != r.cap || w.num != r.num ||
			w.cont != (!r.stop && (r.num || utf8.RuneCountInString(r.lower) >= 3)) || int(w.runes) != utf8.RuneCountInString(r.lower) {
			t.Fatalf("tokenize(%q) word %d = %+v, want %+v", s, i, w, r)
		}
		if id, ok := ids[r.key]; ok && id != w.id || !ok && int(w.id) != len(ids) {
			t.Fatalf("tokenize(%q) word %d: key %q has id %d", s, i, r.key, w.id)
		}
		ids[r.key] = w.id
	}
}

var tokenizeSeeds = []string{"", "l'Ai dell’intelligenza L’AI D'Italia", "'s it's Anthropic's s", "--&& '’ a-b at&t ’tis",
	"İstanbul ǅemal KELVIN \u212a ÀÈ", "x\xffy \u00a0z 3D F1 2025", "quell'anno Sant'Anna tutt'altro un'altra",
	"Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI"}

func TestTokenizeMatchesReference(t *testing.T) {
	for _, s := range tokenizeSeeds {
		checkTokenize(t, s)
	}
	for _, c := range ownCases(t) {
		checkTokenize(t, c.Title)
		checkTokenize(t, c.Body)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range tokenizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkTokenize(t, s) })
}
