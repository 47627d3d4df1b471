package summarise

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/internal/corpus"
)

// Issue #17: headlines that state the news, whole key points, topics from
// evidence. The articles are our own.

func TestHeadlineFromLead(t *testing.T) {
	tests := []struct{ name, lead, want string }{
		{"media attribution", "PANews reported on September 11th that the Wall Street Journal, citing people familiar with the matter, said OpenAI will spend $300 billion on cloud computing.",
			"OpenAI will spend $300 billion on cloud computing"},
		{"apposition", "Paragon Solutions, an Israeli cybersecurity firm, said on Tuesday it had cut ties with Italy after the spyware scandal.",
			"Paragon Solutions said on Tuesday it had cut ties with Italy after the spyware scandal"},
		{"italian attribution", "Secondo quanto riportato dal Financial Times, Amazon investirà 10 miliardi di dollari in OpenAI.",
			"Amazon investirà 10 miliardi di dollari in OpenAI"},
		{"italian lead-in and apposition", "La notizia è ufficiale: PosteMobile, l'operatore virtuale di Poste Italiane, passerà alla rete di TIM dal 2026.",
			"PosteMobile passerà alla rete di TIM dal 2026"},
		{"trailing attribution", "Cloudflare restored service to millions of websites after a three-hour outage, the company said on Tuesday.",
			"Cloudflare restored service to millions of websites after a three-hour outage"},
		{"subject who reports stays", "Google said that it will appeal the ruling of the European Commission on its advertising business.",
			"Google said that it will appeal the ruling of the European Commission on its advertising business"},
		{"that-clause not cut before its verb", "Paragon Solutions, an Israeli cybersecurity firm, has ended its contractual relationship with Italy following allegations that its spyware, Graphite, was misused to target journalists and activists.",
			"Paragon Solutions has ended its contractual relationship with Italy"},
		{"long lead cut at a phrase, no ellipsis", "A federal judge on Thursday approved a $1.5 billion settlement between the artificial intelligence company Anthropic and authors who allege their books were pirated.",
			"A federal judge on Thursday approved a $1.5 billion settlement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Headline("", tt.lead)
			if got != tt.want {
				t.Errorf("Headline(\"\", lead)\n got %q\nwant %q", got, tt.want)
			}
			if utf8.RuneCountInString(got) > MaxHeadline || strings.HasSuffix(got, "…") {
				t.Errorf("headline %q too long or cut with an ellipsis", got)
			}
		})
	}
}

func TestWholeFact(t *testing.T) {
	long := "Poste Italiane said its mobile customers would move to TIM's network from 1 January 2026, which the two companies agreed last spring after months of talks, as part of a wider partnership that covers data centres, payments, insurance and energy services across the country."
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"fits", "Nvidia sold 3 million chips.", "Nvidia sold 3 million chips.", true},
		{"cut keeps the figure", long, "Poste Italiane said its mobile customers would move to TIM's network from 1 January 2026, which the two companies agreed last spring after months of talks.", true},
		{"list lead-in", "The outage hit three services:", "", false},
		{"bullet removed", "• Broad reach: the outage spans many regions.", "Broad reach: the outage spans many regions.", true},
		{"no clause boundary", strings.Repeat("parola ", 40) + "fine.", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := wholeFact(tt.in, keyPointRunes)
			if got != tt.want || ok != tt.ok {
				t.Errorf("wholeFact = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestKeyPointsWhole: no key point ends with an ellipsis or is other than
// text of the article, on every article of our own corpus, with and
// without a title.
func TestKeyPointsWhole(t *testing.T) {
	bodies := []string{craneIT, craneEN, copyrightEN, copyrightIT, outageEN, outageIT, itArticle, enArticle}
	titles := make([]string, len(bodies))
	for _, a := range corpus.All() {
		bodies = append(bodies, a.Body())
		titles = append(titles, a.Title())
	}
	for i, body := range bodies {
		for _, title := range []string{"", titles[i]} {
			r := Offline(title, body, "", nil)
			for _, kp := range r.KeyPoints {
				if strings.HasSuffix(kp, "…") || strings.HasSuffix(kp, "...") {
					t.Errorf("article %d: key point ends with an ellipsis: %q", i, kp)
				}
				if !strings.Contains(strings.Join(strings.Fields(body), " "), strings.TrimSuffix(kp, ".")) {
					t.Errorf("article %d: key point not from the text: %q", i, kp)
				}
			}
		}
	}
}

const (
	craneIT = `Una gru è crollata ieri pomeriggio in un cantiere nel centro di Torino, ferendo due operai. I vigili del fuoco sono intervenuti per mettere in sicurezza l'area e la procura ha aperto un'indagine.

Secondo i primi rilievi, il braccio della gru ha ceduto durante il sollevamento di un carico di travi d'acciaio. L'autorità per la sicurezza sul lavoro verificherà il rispetto della legge sui cantieri.

I due feriti sono stati portati in ospedale e non sarebbero in pericolo di vita.`
	craneEN = `A construction crane collapsed on Tuesday afternoon at a building site in central Turin, injuring two workers. Firefighters secured the area and prosecutors opened an investigation.

According to early findings, the crane's arm gave way while lifting a load of steel beams. The workplace safety authority will check whether the site complied with the law.

The two injured men were taken to hospital and are not in danger.`
	copyrightEN = `Songwriters and music publishers reached a $75 million settlement with the AI start-up Melodia over copyrighted lyrics used to train its models. The companies said the deal ends a lawsuit filed last year.

The publishers had accused Melodia of copyright infringement on more than 20,000 songs. Under the settlement the company will license the lyrics and pay royalties on future use.

Melodia, which has raised $300 million from investors, said it would keep building its music assistant. A car maker that uses its voice software in dashboards was not part of the case.`
	copyrightIT = `Autori ed editori musicali hanno raggiunto un accordo transattivo da 75 milioni di dollari con la startup di intelligenza artificiale Melodia per i testi protetti da diritto d'autore usati per addestrare i suoi modelli. Le società hanno detto che l'intesa chiude una causa legale avviata lo scorso anno.

Gli editori accusavano Melodia di violazione del copyright su oltre 20.000 canzoni. Con l'accordo l'azienda pagherà le licenze dei testi e le royalty sugli usi futuri.

Melodia, che ha raccolto 300 milioni di dollari dagli investitori, ha detto che continuerà a sviluppare il suo assistente musicale. Un produttore di auto che usa il suo software vocale nei cruscotti non era parte della causa.`
	outageEN = `Cloudflare suffered a global outage on Tuesday that knocked thousands of websites offline, including X and ChatGPT. The company said a configuration change in its network caused widespread 500 errors for about three hours.

Websites that rely on Cloudflare's content delivery network and security services showed error pages, and Downdetector itself went down. Traffic began to recover in the afternoon as engineers rolled back the change.

The outage follows disruptions at Amazon Web Services and Microsoft Azure in recent months, renewing concerns about how much of the internet depends on a few cloud providers.`
	outageIT = `Cloudflare ha subito martedì un disservizio globale che ha reso irraggiungibili migliaia di siti, tra cui X e ChatGPT. L'azienda ha spiegato che una modifica alla configurazione della sua rete ha causato errori 500 per circa tre ore.

I siti che si affidano alla rete di distribuzione dei contenuti e ai servizi di sicurezza di Cloudflare mostravano pagine di errore, e anche Downdetector è andato giù. Il traffico ha ripreso a scorrere nel pomeriggio, quando i tecnici hanno annullato la modifica.

Il blackout segue i disservizi di Amazon Web Services e Microsoft Azure dei mesi scorsi e riaccende i timori sulla dipendenza di internet da pochi fornitori di cloud.`
)

func TestTopicsFromEvidence(t *testing.T) {
	tests := []struct {
		name, body, lang string
		want, not        []string
	}{
		{"crane collapse it", craneIT, "it", []string{"disaster"}, []string{"regulation"}},
		{"crane collapse en", craneEN, "en", []string{"disaster"}, []string{"regulation"}},
		{"copyright settlement en", copyrightEN, "en", []string{"copyright"}, []string{"mobility"}},
		{"copyright settlement it", copyrightIT, "it", []string{"copyright"}, []string{"mobility"}},
		{"cloudflare outage en", outageEN, "en", []string{"outage", "cloud"}, []string{"mobility", "software", "ai"}},
		{"cloudflare outage it", outageIT, "it", []string{"outage", "cloud"}, []string{"mobility", "software", "ai"}},
	}
	got := map[string][]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Offline("", tt.body, tt.lang, nil)
			got[tt.name] = r.Topics
			for _, w := range tt.want {
				if !slices.Contains(r.Topics, w) {
					t.Errorf("topics %v lack %q", r.Topics, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(r.Topics, n) {
					t.Errorf("topics %v have %q", r.Topics, n)
				}
			}
		})
	}
	// Both languages of a story get the same tags.
	for _, pair := range [][2]string{{"crane collapse it", "crane collapse en"}, {"copyright settlement it", "copyright settlement en"}, {"cloudflare outage it", "cloudflare outage en"}} {
		a, b := slices.Clone(got[pair[0]]), slices.Clone(got[pair[1]])
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s %v and %s %v differ", pair[0], got[pair[0]], pair[1], got[pair[1]])
		}
	}
}
