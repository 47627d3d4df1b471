package langdetect

import (
	"errors"
	"github.com/newsbrief/newsbrief/internal/corpus"
	"golang.org/x/text/unicode/norm"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/newsbrief/newsbrief/internal/shared"
)

var (
	detOnce sync.Once
	det     *Detector
	detErr  error
)

func detector(t testing.TB) *Detector {
	t.Helper()
	detOnce.Do(func() { det, detErr = New([]string{"it", "en"}) })
	if detErr != nil {
		t.Fatal(detErr)
	}
	return det
}

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		supported []string
		opts      []Option
		wantErr   string
	}{
		{name: "it en", supported: []string{"it", "en"}},
		{name: "upper case and spaces", supported: []string{" IT", "en "}},
		{name: "unknown supported", supported: []string{"it", "xx"}, wantErr: `unknown language code "xx"`},
		{name: "unknown other", supported: []string{"it"}, opts: []Option{WithOthers("es", "zz")}, wantErr: `unknown language code "zz"`},
		{name: "none", supported: nil, wantErr: "no supported language"},
		{name: "one language alone", supported: []string{"en"}, opts: []Option{WithOthers()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(tt.supported, append(tt.opts, WithPreload(false))...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			if got := d.Supported(); len(got) != len(tt.supported) {
				t.Errorf("Supported() = %v, want %d codes", got, len(tt.supported))
			}
		})
	}
}

// TestDetectSeed: each of our articles (internal/corpus) is detected in its
// language with high confidence.
func TestDetectSeed(t *testing.T) {
	for _, a := range corpus.All() {
		got, err := detector(t).Detect("", a.Text, "")
		if err != nil {
			t.Fatalf("Detect(%s) error = %v", a.Name, err)
		}
		if got.Code != a.Lang || got.Confidence < 0.9 {
			t.Errorf("Detect(%s) = %+v, want %s with confidence >= 0.9", a.Name, got, a.Lang)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, title, body, hint string
		want                    string
		wantErr                 error
		errHas                  string
	}{
		// Loanword-heavy headlines that fool lingua alone; the lede fixes them.
		{name: "it headline + lede", title: "Amazon investe nel cloud e nell'AI",
			body: "Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI, con oltre 10 miliardi di dollari.", want: "it"},
		{name: "it headline + lede 2", title: "Smart working, il governo prepara il decreto",
			body: "Il ministero del Lavoro ha presentato ai sindacati una bozza che rende strutturale il lavoro agile.", want: "it"},
		{name: "en headline + lede", title: "Juventus beat Inter in Serie A thriller",
			body: "The Turin side came back from two goals down to win in the last minute of a tense match on Sunday night.", want: "en"},
		{name: "en headline + lede 2", title: "Banca Intesa Sanpaolo profits soar",
			body: "Italy's largest bank reported record quarterly earnings on Tuesday, helped by higher interest rates.", want: "en"},
		{name: "body only en", body: "The company said it would release the new model to developers next month, after a period of testing.", want: "en"},
		{name: "spanish rejected", title: "El Gobierno aprueba la nueva ley",
			body:    "El Consejo de Ministros ha aprobado este martes el proyecto de ley que regula la inteligencia artificial en España.",
			wantErr: ErrUnsupported, errHas: "language es (Spanish, confidence"},
		{name: "french rejected", body: "Le gouvernement a présenté mercredi un projet de loi sur l'intelligence artificielle, qui sera débattu au Parlement.",
			wantErr: ErrUnsupported, errHas: "language fr (French"},
		{name: "german rejected", body: "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf zur künstlichen Intelligenz vorgelegt.",
			wantErr: ErrUnsupported, errHas: "language de (German"},
		{name: "portuguese rejected", body: "O governo apresentou nesta quarta-feira um projeto de lei sobre inteligência artificial, que será debatido no Congresso.",
			wantErr: ErrUnsupported, errHas: "pt (Portuguese"},
		{name: "romanian rejected", body: "Guvernul a prezentat miercuri un proiect de lege privind inteligența artificială, care va fi dezbătut în Parlament.",
			wantErr: ErrUnsupported, errHas: "ro (Romanian"},
		{name: "catalan rejected", body: "El Govern ha presentat aquest dimecres un projecte de llei sobre la intel·ligència artificial, que es debatrà al Parlament.",
			wantErr: ErrUnsupported, errHas: "ca (Catalan"},
		{name: "dutch rejected", body: "De regering heeft woensdag een wetsvoorstel over kunstmatige intelligentie gepresenteerd, dat in het parlement wordt besproken.",
			wantErr: ErrUnsupported, errHas: "nl (Dutch"},
		{name: "cyrillic rejected", body: "Правительство в среду представило законопроект об искусственном интеллекте.",
			wantErr: ErrUnsupported, errHas: "Cyrillic"},
		{name: "supported list in reason", body: "El Consejo de Ministros ha aprobado este martes el proyecto de ley.",
			wantErr: ErrUnsupported, errHas: "supported: it, en"},
		{name: "too short", title: "AI", body: "ok", wantErr: ErrTooShort, errHas: "at least 5"},
		{name: "digits only", body: "2025 - 10 000 000 $ 42%", wantErr: ErrTooShort},
		{name: "empty", wantErr: ErrTooShort},
		// lingua alone: Spanish 0.42, Italian 0.30.
		{name: "headline alone misleads", title: "Fintech, boom di investimenti", wantErr: ErrUnsupported, errHas: "es (Spanish"},
		{name: "hint breaks a near tie", title: "Fintech, boom di investimenti", hint: "it", want: "it"},
		{name: "hint with region", title: "Fintech, boom di investimenti", hint: "it-IT", want: "it"},
		{name: "hint does not override", body: "The company said it would release the new model to developers next month.", hint: "it", want: "en"},
		{name: "unsupported hint ignored", body: "The company said it would release the new model to developers next month.", hint: "es", want: "en"},
	}
	d := detector(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Detect(tt.title, tt.body, tt.hint)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Detect() = %+v, %v; want error %v", got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Detect() error = %q, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("Detect() error = %v, want %s", err, tt.want)
			}
			if got.Code != tt.want {
				t.Errorf("Detect() = %+v, want %s", got, tt.want)
			}
			if got.Confidence <= 0 || got.Confidence > 1 {
				t.Errorf("Detect() confidence = %v, want in (0, 1]", got.Confidence)
			}
		})
	}
}

func TestSample(t *testing.T) {
	body := strings.Repeat("parola ", 500)
	s := Sample("Titolo", body, 100)
	if !strings.HasPrefix(s, "Titolo\n") {
		t.Errorf("Sample() = %q, want the title first", s)
	}
	if got := len(s) - len("Titolo\n"); got > 100 {
		t.Errorf("Sample() body part is %d bytes, want <= 100", got)
	}
	if strings.HasSuffix(s, "parol") || strings.HasSuffix(s, " ") {
		t.Errorf("Sample() = %q, want a cut at a word boundary", s)
	}
	if got := Sample("", "è", 1); got != "" && got != "è" {
		t.Errorf("Sample() cut a rune: %q", got)
	}
}

func BenchmarkDetect(b *testing.B) {
	data, err := os.ReadFile(shared.Path(b, "seed", "it_amazon_openai_trainium.txt"))
	if err != nil {
		b.Skip(err)
	}
	d := detector(b)
	body := string(data)
	b.Run("seed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.Detect("", body, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("title+lede", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Detect("Amazon investe nel cloud e nell'AI", "Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI.", "")
		}
	})
}

// zalgoText stacks n combining marks on every letter of s.
func zalgoText(s string, n int) string {
	marks := []rune{'\u0300', '\u0301', '\u0302', '\u0308', '\u0334', '\u0336', '\u0337', '\u0338', '\u0327', '\u0328', '\u0489'}
	var b strings.Builder
	for i, r := range s {
		b.WriteRune(r)
		if unicode.IsLetter(r) {
			for k := 0; k < n; k++ {
				b.WriteRune(marks[(i+k)%len(marks)])
			}
		}
	}
	return b.String()
}

// TestDetectZalgo: combining marks stacked on every letter do not hide the
// letters (issue #13: 264 KB of Zalgo text was "4 letters, too short").
func TestDetectZalgo(t *testing.T) {
	for _, a := range corpus.All() {
		// NFC, as ingest leaves it: one mark per letter is composed into
		// it ("a" + U+0300 = "à").
		body := norm.NFC.String(zalgoText(a.Body(), 30))
		got, err := detector(t).Detect(norm.NFC.String(zalgoText(a.Title(), 30)), body, "")
		if err != nil || got.Code != a.Lang {
			t.Errorf("Detect(Zalgo %s, %d bytes) = %+v, %v; want %s", a.Name, len(body), got, err, a.Lang)
		}
	}
}
