package entities

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"elision curly", "dell’Amazon", []string{"dell’", "Amazon"}},
		{"elision straight", "l'Antitrust e un'ipotesi.", []string{"l'", "Antitrust", "e", "un'", "ipotesi", "."}},
		{"capital elision", "Dell'Italia, D’Alema", []string{"Dell'", "Italia", ",", "D’", "Alema"}},
		{"english possessive", "Trump's plan", []string{"Trump", "'s", "plan"}},
		{"negation", "don't", []string{"do", "n't"}},
		{"abbreviations", "U.S. Mr. J. Smith", []string{"U.S.", "Mr.", "J.", "Smith"}},
		{"sentence stop", "Amazon. Poi", []string{"Amazon", ".", "Poi"}},
		{"inner joiners", "AT&T win-win 1,000.5 O'Brien", []string{"AT&T", "win-win", "1,000.5", "O'Brien"}},
		{"quotes and brackets", "“Ciao” (Aws)", []string{"“", "Ciao", "”", "(", "Aws", ")"}},
		{"comma between words", "Amazon,OpenAI", []string{"Amazon", ",", "OpenAI"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(Tokenize(tc.in))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	text := "Titolo in testa\nAmazon investe. Il sig. Rossi no! “Fine.” Poi sì"
	got := [][]string{}
	for _, s := range Sentences(text, Tokenize(text)) {
		got = append(got, texts(s))
	}
	want := [][]string{
		{"Titolo", "in", "testa"},
		{"Amazon", "investe", "."},
		{"Il", "sig.", "Rossi", "no", "!"},
		{"“", "Fine", ".", "”"},
		{"Poi", "sì"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sentences = %q, want %q", got, want)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"dell’Amazon l'Antitrust", "U.S. Trump's don't", "“Ciao” (Aws) 1,000.5", "\xff\xfe'’", "a'’'b", "É’È. X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		prev := 0
		for _, tk := range toks {
			if tk.Start < prev || tk.End <= tk.Start || tk.End > len(s) {
				t.Fatalf("bad offsets %d:%d (prev end %d, len %d) in %q", tk.Start, tk.End, prev, len(s), s)
			}
			if utf8.ValidString(s) && (!utf8.RuneStart(s[tk.Start]) || tk.End < len(s) && !utf8.RuneStart(s[tk.End])) {
				t.Fatalf("token %q not on rune boundaries in %q", tk.Text, s)
			}
			if s[tk.Start:tk.End] != tk.Text {
				t.Fatalf("token %q != body[%d:%d] %q", tk.Text, tk.Start, tk.End, s[tk.Start:tk.End])
			}
			prev = tk.End
		}
		n := 0
		for _, sent := range Sentences(s, toks) {
			n += len(sent)
		}
		if n != len(toks) {
			t.Fatalf("sentences hold %d tokens, want %d", n, len(toks))
		}
	})
}
