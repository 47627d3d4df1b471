package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// story is a paragraph of prose that must survive every furniture test.
const (
	storyEN = "Google has struck a deal with the Dutch government to store its citizens' data in European data centres, the company said on Tuesday."
	storyIT = "Google ha svelato Gemini 3, il nuovo modello di intelligenza artificiale che arriverà su tutti i suoi prodotti entro la fine dell'anno."
	moreEN  = "The agreement covers three data centres and runs until 2030, according to a statement published by the ministry in The Hague."
	moreIT  = "Il modello sarà disponibile da subito negli Stati Uniti e arriverà in Italia nelle prossime settimane, secondo quanto annunciato dall'azienda."
)

func TestFurniture(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantBody     string
		wantAuthor   string
		wantDateline string
		wantSource   string
	}{
		// Bylines.
		{name: "en byline", body: "By Jane Doe\n\n" + storyEN, wantBody: storyEN, wantAuthor: "Jane Doe"},
		{name: "en byline with agency", body: "By Jane Doe and John Roe, Reuters\n\n" + storyEN, wantBody: storyEN, wantAuthor: "Jane Doe and John Roe"},
		{name: "it byline di", body: "di Mario Rossi\n\n" + storyIT, wantBody: storyIT, wantAuthor: "Mario Rossi"},
		{name: "it byline a cura di", body: "A cura di Redazione Tech\n\n" + storyIT, wantBody: storyIT, wantAuthor: "Redazione Tech"},
		{name: "it byline with date", body: "di Anna Bianchi | 18 novembre 2025\n\n" + storyIT, wantBody: storyIT, wantAuthor: "Anna Bianchi"},
		{name: "it Di Maio is not a byline", body: "Di Maio ha detto che il governo deciderà entro venerdì.\n\n" + storyIT,
			wantBody: "Di Maio ha detto che il governo deciderà entro venerdì.\n\n" + storyIT},
		{name: "en By Monday is not a byline", body: "By Monday, the company will decide.\n\n" + storyEN,
			wantBody: "By Monday, the company will decide.\n\n" + storyEN},
		// Datelines.
		{name: "en dateline AP", body: "SAN FRANCISCO (AP) — " + storyEN, wantBody: storyEN, wantDateline: "SAN FRANCISCO", wantSource: "AP"},
		{name: "en byline and dateline Reuters", body: "By Toby Sterling AMSTERDAM (Reuters) -" + storyEN, wantBody: storyEN,
			wantAuthor: "Toby Sterling", wantDateline: "AMSTERDAM", wantSource: "Reuters"},
		{name: "en dateline with date", body: "LONDON, Dec 4 (Reuters) - " + storyEN, wantBody: storyEN, wantDateline: "LONDON, Dec 4", wantSource: "Reuters"},
		{name: "it dateline place and date", body: "Mountain View, 18 novembre 2025 – " + storyIT, wantBody: storyIT, wantDateline: "Mountain View, 18 novembre 2025"},
		{name: "it dateline caps", body: "ROMA – " + storyIT, wantBody: storyIT, wantDateline: "ROMA"},
		{name: "it dateline ANSA first", body: "(ANSA) - MILANO, 17 DIC - " + storyIT, wantBody: storyIT, wantDateline: "MILANO, 17 DIC", wantSource: "ANSA"},
		{name: "it dateline with region", body: "Newark (New Jersey) - " + storyIT, wantBody: storyIT, wantDateline: "Newark (New Jersey)"},
		{name: "it dateline alone on a line", body: "Roma, 28 aprile 2025\n\n" + storyIT, wantBody: storyIT, wantDateline: "Roma, 28 aprile 2025"},
		{name: "en company name is not a dateline", body: "Google - the search company - said on Tuesday it would invest $1bn in Italy.\n\n" + moreEN,
			wantBody: "Google - the search company - said on Tuesday it would invest $1bn in Italy.\n\n" + moreEN},
		// Wire credits.
		{name: "en reporting credit", body: storyEN + "\n\nReporting by Toby Sterling; Editing by Jane Merriman", wantBody: storyEN},
		{name: "en trailing credit", body: storyEN + " (Reporting by Toby Sterling; Editing by Jane Merriman)", wantBody: storyEN},
		{name: "en contributed", body: storyEN + "\n\nAssociated Press writer Kelvin Chan in London contributed to this report.", wantBody: storyEN},
		{name: "it riproduzione riservata", body: storyIT + "\n\n© Riproduzione riservata", wantBody: storyIT},
		{name: "it trailing ANSA", body: storyIT + " (ANSA).", wantBody: storyIT},
		// Captions and photo credits.
		{name: "en caption with date", body: storyEN + "\n\nAn AT&T logo is pictured in Pasadena, California, U.S., January 24, 2018.\n\n" + moreEN,
			wantBody: storyEN + "\n\n" + moreEN},
		{name: "en photo credit", body: storyEN + "\n\nREUTERS/Mike Blake/File Photo\n\n" + moreEN, wantBody: storyEN + "\n\n" + moreEN},
		{name: "it foto", body: storyIT + "\n\nFoto: Ansa\n\n" + moreIT, wantBody: storyIT + "\n\n" + moreIT},
		{name: "it nella foto", body: storyIT + "\n\nNella foto, l'amministratore delegato Sundar Pichai\n\n" + moreIT, wantBody: storyIT + "\n\n" + moreIT},
		// Related-article lines.
		{name: "it leggi anche", body: storyIT + "\n\nLeggi anche: Gemini 2.5, cosa cambia per gli utenti\n\n" + moreIT, wantBody: storyIT + "\n\n" + moreIT},
		{name: "en read more", body: storyEN + "\n\nRead more: Google's antitrust trial, explained\n\n" + moreEN, wantBody: storyEN + "\n\n" + moreEN},
		{name: "it linked headline with date", body: storyIT + "\n\nChatGPT: faro del Garante Privacy sui diritti degli utenti 20 Dicembre 2024\n\n" + moreIT,
			wantBody: storyIT + "\n\n" + moreIT},
		{name: "it linked headline glued to a paragraph", body: storyIT + "\n\nChatGPT: faro del Garante Privacy sui diritti degli utenti 20 Dicembre 2024 " + moreIT,
			wantBody: storyIT + "\n\n" + moreIT},
		{name: "it date inside prose stays", body: storyIT + "\n\nIl 20 dicembre 2024 Apple ha lanciato il suo nuovo servizio in Italia, con un prezzo di 9,99 euro al mese.",
			wantBody: storyIT + "\n\nIl 20 dicembre 2024 Apple ha lanciato il suo nuovo servizio in Italia, con un prezzo di 9,99 euro al mese."},
		// Crossheads.
		{name: "it crosshead", body: storyIT + "\n\nL'alleanza con Aws e il ruolo dei chip\n\n" + moreIT, wantBody: storyIT + "\n\n" + moreIT},
		{name: "en question crosshead", body: storyEN + "\n\nWhat happens next?\n\n" + moreEN, wantBody: storyEN + "\n\n" + moreEN},
		{name: "a list is not crossheads", body: storyEN + "\n\nCloud storage\n\nEmail\n\n" + moreEN, wantBody: storyEN + "\n\nCloud storage\n\nEmail\n\n" + moreEN},
		// Newsletter, cookie and date lines.
		{name: "en newsletter", body: storyEN + "\n\nSign up for our daily tech newsletter\n\n" + moreEN, wantBody: storyEN + "\n\n" + moreEN},
		{name: "it newsletter", body: storyIT + "\n\nIscriviti alla newsletter di Tech Daily per ricevere le notizie\n\n" + moreIT, wantBody: storyIT + "\n\n" + moreIT},
		{name: "en cookie", body: "We use cookies to improve your experience on our site.\n\n" + storyEN, wantBody: storyEN},
		{name: "it cookie", body: "Questo sito utilizza cookie tecnici e di profilazione.\n\n" + storyIT, wantBody: storyIT},
		{name: "en date line", body: "Updated 10:30 AM EST, December 4, 2025\n\n" + storyEN, wantBody: storyEN},
		{name: "it date line", body: "Pubblicato il 18 novembre 2025 alle 10:30\n\n" + storyIT, wantBody: storyIT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Normalise(news.Submission{Title: "T", Body: tt.body}, now)
			if err != nil {
				t.Fatalf("Normalise() error = %v", err)
			}
			if a.Body != tt.wantBody {
				t.Errorf("body\n got %q\nwant %q", a.Body, tt.wantBody)
			}
			if a.Author != tt.wantAuthor || a.Dateline != tt.wantDateline || a.Source != tt.wantSource {
				t.Errorf("author, dateline, source = %q, %q, %q; want %q, %q, %q", a.Author, a.Dateline, a.Source, tt.wantAuthor, tt.wantDateline, tt.wantSource)
			}
			checkIdempotent(t, a)
		})
	}
}

// TestFurnitureBeforeTitle: a byline above the story is not taken for the
// title of a text submitted without one.
func TestFurnitureBeforeTitle(t *testing.T) {
	a, err := Normalise(news.Submission{Body: "By Jane Doe\n\nGoogle strikes Dutch data deal\n\n" + storyEN}, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Google strikes Dutch data deal" || a.Author != "Jane Doe" || a.Body != storyEN {
		t.Errorf("Normalise() = title %q author %q body %q", a.Title, a.Author, a.Body)
	}
}

// FuzzFurniture: the furniture scan never panics, keeps valid UTF-8, only
// removes text (every paragraph left is found in the input's paragraphs),
// and is idempotent through Normalise.
func FuzzFurniture(f *testing.F) {
	for _, s := range []string{
		"By Toby Sterling AMSTERDAM (Reuters) -The Dutch government said.",
		"SAN FRANCISCO (AP) — Google has struck a deal.",
		"(ANSA) - ROMA, 17 DIC - Il governo.",
		"Mountain View, 18 novembre 2025 – Google ha svelato.",
		"di Mario Rossi\n\nTesto.\n\nUn titoletto\n\nAltro testo lungo abbastanza da essere prosa vera e propria di un articolo.",
		"ChatGPT: faro del Garante 20 Dicembre 2024 Ricordiamo che.",
		"Testo. (Reporting by X; Editing by Y)",
		"Updated 10:30 AM EST, December 4, 2025",
		"( - ,  , 1 Jan",
		"By , (",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		paras := paragraphs(body)
		var fu furniture
		out := dropCrossheads(cutLead(dropFurniture(append([]string(nil), paras...), &fu), &fu))
		for _, p := range out {
			if !utf8.ValidString(p) || p == "" {
				t.Fatalf("furniture scan of %q left %q", body, p)
			}
			found := false
			for _, q := range paras {
				if strings.Contains(q, p) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("furniture scan of %q made up %q", body, p)
			}
		}
		for _, s := range append([]string{fu.author, fu.agency}, strings.Split(fu.dateline, ", ")...) {
			if !utf8.ValidString(s) || !strings.Contains(strings.Join(paras, "\n\n"), s) {
				t.Fatalf("metadata %q not from the text %q", s, paras)
			}
		}
		a, err := Normalise(news.Submission{Title: "T", Body: body}, now)
		if err != nil {
			return
		}
		again, err := Normalise(resubmit(a), now)
		if err != nil || again.Body != a.Body {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", body, a.Body, again.Body, err)
		}
	})
}
