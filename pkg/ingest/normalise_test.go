package ingest

import (
	"errors"
	"github.com/newsbrief/newsbrief/internal/corpus"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func TestNormalise(t *testing.T) {
	article := `<!DOCTYPE html><html lang="it-IT"><head><title>Amazon e OpenAI - Tech Daily</title>
<meta property="og:site_name" content="Tech Daily">
<meta property="article:published_time" content="2025-12-17T08:30:00Z">
<script>var tracking = "do not read me";</script></head>
<body><nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<article><h1>Amazon e OpenAI</h1>
<p>Dopo Microsoft, anche Amazon potrebbe diventare un investitore chiave di OpenAI, portando nelle casse della società oltre 10 miliardi di dollari. L'investimento è per ora un'ipotesi al centro di una trattativa in corso tra le due aziende.</p>
<p>OpenAI adotterebbe i chip Trainium sviluppati dalla divisione cloud di Amazon per supportare carichi intensivi di calcolo come quelli dei modelli generativi di nuova generazione.</p>
<p>Un vero accordo che potrebbe rafforzare il ruolo delle due aziende sul mercato dell'intelligenza artificiale, secondo gli analisti del settore.</p>
</article><footer>© 2025 Tech Daily</footer></body></html>`

	tests := []struct {
		name      string
		in        news.Submission
		wantTitle string
		wantBody  string
		bodyHas   []string
		bodyLacks []string
		wantDate  *time.Time
		wantSrc   string
		wantHint  string
		wantErr   error
		errHas    string
	}{
		{name: "plain", in: news.Submission{Title: "  Un  titolo ", Body: "Primo paragrafo.\n\nSecondo paragrafo."},
			wantTitle: "Un titolo", wantBody: "Primo paragrafo.\n\nSecondo paragrafo."},
		{name: "whitespace inside lines", in: news.Submission{Title: "T", Body: "  Uno\t\tdue\u00a0\u00a0tre  \r\n\r\n\r\n\r\n  quattro\u200b cinque  "},
			wantTitle: "T", wantBody: "Uno due tre\n\nquattro cinque"},
		{name: "NFC", in: news.Submission{Body: "perche\u0301 citta\u0300"}, wantBody: "perché città"},
		{name: "date line", in: news.Submission{Body: "date 2025-12-17\n\nDopo Microsoft, anche Amazon."},
			wantBody: "Dopo Microsoft, anche Amazon.", wantDate: date(2025, 12, 17)},
		{name: "date marker before text as in the seed", in: news.Submission{Body: " date 2025-12-17 Dopo Microsoft, anche Amazon.\n\nAltro."},
			wantBody: "Dopo Microsoft, anche Amazon.\n\nAltro.", wantDate: date(2025, 12, 17)},
		{name: "submission date wins over date line", in: news.Submission{Body: "date 2025-12-17\nTesto.", PublishedAt: "2025-12-18T10:00:00+01:00"},
			wantBody: "Testo.", wantDate: func() *time.Time { t := time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC); return &t }()},
		{name: "invalid date line stays", in: news.Submission{Body: "date 2025-13-45 Testo."}, wantBody: "date 2025-13-45 Testo."},
		{name: "published_at date only", in: news.Submission{Body: "Testo.", PublishedAt: "2025-12-17"}, wantBody: "Testo.", wantDate: date(2025, 12, 17)},
		{name: "published_at bad", in: news.Submission{Body: "Testo.", PublishedAt: "17/12/2025"},
			wantErr: ErrMalformed, errHas: `"published_at" must be an RFC 3339 time or a YYYY-MM-DD date, got "17/12/2025"`},
		{name: "headings stay paragraphs", in: news.Submission{Body: "Primo paragrafo lungo del testo.\nUn titoletto di sezione\nIl paragrafo dopo il titoletto.\n\nUltimo."},
			wantBody: "Primo paragrafo lungo del testo.\n\nUn titoletto di sezione\n\nIl paragrafo dopo il titoletto.\n\nUltimo."},
		{name: "hard-wrapped lines are joined", in: news.Submission{Body: "Questo paragrafo è stato spezzato\na mano dal programma di posta\ne va ricomposto.\n\nFine."},
			wantBody: "Questo paragrafo è stato spezzato a mano dal programma di posta e va ricomposto.\n\nFine."},
		{name: "title line", in: news.Submission{Body: "Un titolo breve\n\nIl corpo dell'articolo.\n\nAltro paragrafo."},
			wantTitle: "Un titolo breve", wantBody: "Il corpo dell'articolo.\n\nAltro paragrafo."},
		{name: "first line with full stop is not a title", in: news.Submission{Body: "Una frase intera.\n\nIl corpo."},
			wantBody: "Una frase intera.\n\nIl corpo."},
		{name: "long first line is not a title", in: news.Submission{Body: strings.Repeat("parola ", 30) + "\n\nIl corpo."},
			wantBody: strings.TrimSpace(strings.Repeat("parola ", 30)) + "\n\nIl corpo."},
		{name: "single paragraph is not a title", in: news.Submission{Body: "Solo questo"}, wantBody: "Solo questo"},
		{name: "given title is kept", in: news.Submission{Title: "Dato", Body: "Un titolo breve\n\nIl corpo."},
			wantTitle: "Dato", wantBody: "Un titolo breve\n\nIl corpo."},
		{name: "metadata", in: news.Submission{Body: "Testo.", URL: " https://x.test/a ", Source: " Il  Sole ", Language: "IT-it"},
			wantBody: "Testo.", wantSrc: "Il Sole", wantHint: "it"},
		{name: "whitespace only", in: news.Submission{Body: " \n\t\r\n \u00a0"}, wantErr: ErrEmpty},
		{name: "invisible only", in: news.Submission{Body: "\u200b\ufeff\n\n\u200b"}, wantErr: ErrEmpty, errHas: "no text left"},
		{name: "date line only", in: news.Submission{Body: "date 2025-12-17"}, wantErr: ErrEmpty},
		{name: "url without body", in: news.Submission{URL: "https://x.test/a"}, wantErr: ErrEmpty, errHas: "fetched first"},
		{name: "too large", in: news.Submission{Body: strings.Repeat("a", DefaultMaxBytes+1)}, wantErr: ErrTooLarge},
		{name: "html article", in: news.Submission{Body: article, HTML: true, URL: "https://techdaily.test/amazon"},
			wantTitle: "Amazon e OpenAI", wantDate: func() *time.Time { t := time.Date(2025, 12, 17, 8, 30, 0, 0, time.UTC); return &t }(),
			wantSrc: "Tech Daily", wantHint: "it",
			bodyHas:   []string{"Dopo Microsoft, anche Amazon", "\n\nOpenAI adotterebbe i chip Trainium", "\n\nUn vero accordo"},
			bodyLacks: []string{"tracking", "Home", "©"}},
		{name: "html title given", in: news.Submission{Title: "Mio titolo", Body: article, HTML: true},
			wantTitle: "Mio titolo", wantSrc: "Tech Daily", wantHint: "it", bodyHas: []string{"Trainium"},
			wantDate: func() *time.Time { t := time.Date(2025, 12, 17, 8, 30, 0, 0, time.UTC); return &t }()},
		{name: "html scripts only", in: news.Submission{Body: "<html><head><script>alert(1)</script></head><body><script>document.write('x')</script></body></html>", HTML: true},
			wantErr: ErrEmpty, errHas: "no article text found in the HTML"},
		{name: "html empty body", in: news.Submission{Body: "<html><body>   </body></html>", HTML: true}, wantErr: ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalise(tt.in, now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Normalise() = %+v, %v; want error %v", got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Normalise() error = %q, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalise() error = %v", err)
			}
			if got.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", got.Title, tt.wantTitle)
			}
			if tt.wantBody != "" && got.Body != tt.wantBody {
				t.Errorf("Body = %q, want %q", got.Body, tt.wantBody)
			}
			for _, s := range tt.bodyHas {
				if !strings.Contains(got.Body, s) {
					t.Errorf("Body = %q, want it to contain %q", got.Body, s)
				}
			}
			for _, s := range tt.bodyLacks {
				if strings.Contains(got.Body, s) {
					t.Errorf("Body = %q, want it without %q", got.Body, s)
				}
			}
			switch {
			case tt.wantDate == nil && got.PublishedAt != nil:
				t.Errorf("PublishedAt = %v, want none", got.PublishedAt)
			case tt.wantDate != nil && (got.PublishedAt == nil || !got.PublishedAt.Equal(*tt.wantDate)):
				t.Errorf("PublishedAt = %v, want %v", got.PublishedAt, tt.wantDate)
			}
			if got.Source != tt.wantSrc {
				t.Errorf("Source = %q, want %q", got.Source, tt.wantSrc)
			}
			if got.LanguageHint != tt.wantHint {
				t.Errorf("LanguageHint = %q, want %q", got.LanguageHint, tt.wantHint)
			}
			if got.ID != news.ID(got.Title, got.Body) || !got.SubmittedAt.Equal(now) {
				t.Errorf("ID/SubmittedAt = %s/%v, want %s/%v", got.ID, got.SubmittedAt, news.ID(got.Title, got.Body), now)
			}
			checkIdempotent(t, got)
		})
	}
}

// resubmit turns an Article back into the Submission that should normalise
// to it again.
func resubmit(a news.Article) news.Submission {
	s := news.Submission{Title: a.Title, Body: a.Body, URL: a.URL, Source: a.Source, Language: a.LanguageHint}
	if a.PublishedAt != nil {
		s.PublishedAt = a.PublishedAt.Format(time.RFC3339Nano)
	}
	return s
}

func checkIdempotent(t *testing.T, a news.Article) {
	t.Helper()
	again, err := Normalise(resubmit(a), a.SubmittedAt)
	if err != nil {
		t.Fatalf("Normalise(own output) error = %v", err)
	}
	if again.ID != a.ID || again.Title != a.Title || again.Body != a.Body || again.Source != a.Source ||
		again.URL != a.URL || again.LanguageHint != a.LanguageHint || (again.PublishedAt == nil) != (a.PublishedAt == nil) ||
		(a.PublishedAt != nil && !again.PublishedAt.Equal(*a.PublishedAt)) {
		t.Errorf("Normalise(own output) = %+v, want %+v", again, a)
	}
}

// TestNormaliseSeed: our lead article (internal/corpus) loses its date
// line to PublishedAt and keeps its paragraphs.
func TestNormaliseSeed(t *testing.T) {
	raw := corpus.Get(corpus.Lead).Text
	s, err := Decode([]byte(raw), "", 0)
	if err != nil {
		t.Fatalf("Decode(seed) error = %v", err)
	}
	a, err := Normalise(s, now)
	if err != nil {
		t.Fatalf("Normalise(seed) error = %v", err)
	}
	if a.PublishedAt == nil || !a.PublishedAt.Equal(*date(2025, 12, 17)) {
		t.Errorf("PublishedAt = %v, want 2025-12-17", a.PublishedAt)
	}
	if a.Title != "Fastweb e Vodafone investono 600 milioni di euro nella fibra del Mezzogiorno" {
		t.Errorf("Title = %q, want the line after the date", a.Title)
	}
	if !strings.HasPrefix(a.Body, "Fastweb e Vodafone Italia porteranno") {
		t.Errorf("Body starts %q, want the date and title removed", a.Body[:40])
	}
	if n := strings.Count(a.Body, "\n\n"); n != 3 {
		t.Errorf("Body has %d paragraph breaks, want 3", n)
	}
	if strings.Contains(a.Body, "\n\n\n") || strings.Contains(a.Body, "  ") {
		t.Errorf("Body has a triple newline or a double space")
	}
	checkIdempotent(t, a)
}

// TestNormaliseArticles: every article of ours keeps its title line.
func TestNormaliseArticles(t *testing.T) {
	for _, art := range corpus.All() {
		t.Run(art.Name, func(t *testing.T) {
			s, err := Decode([]byte(art.Text), "text/plain; charset=utf-8", 0)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Normalise(s, now)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != art.Title() {
				t.Errorf("Title = %q, want the title line %q", a.Title, art.Title())
			}
			checkIdempotent(t, a)
		})
	}
}

// TestNormaliseURLScheme: only absolute http(s) URLs are accepted, even
// with a body (issue #13, item 9: a javascript: URL with a body was kept
// and became a link in pages and feeds).
func TestNormaliseURLScheme(t *testing.T) {
	body := "Un articolo abbastanza lungo con un link."
	for u, ok := range map[string]bool{
		"https://example.com/a": true, "HTTP://Example.com/a": true, "http://example.com": true,
		"javascript:alert(1)": false, "JavaScript:alert(1)": false, "data:text/html,<script>x</script>": false,
		"file:///etc/passwd": false, "//example.com/a": false, "example.com/a": false, "https://": false,
	} {
		_, err := Normalise(news.Submission{Body: body, URL: u}, now)
		if ok && err != nil {
			t.Errorf("Normalise(url %q) = %v, want accepted", u, err)
		}
		if !ok && !errors.Is(err, ErrMalformed) {
			t.Errorf("Normalise(url %q) = %v, want ErrMalformed", u, err)
		}
	}
}
