package entities

import (
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/amount"
)

// FuzzAll: on any text, All never panics, every mention is a range of the
// body, and a known entity has its names and an id (issue #14: zones,
// spans cut and joined, knowledge-base links).
func FuzzAll(f *testing.F) {
	for _, s := range []string{
		"By Toby Sterling\nAMSTERDAM (Reuters) - Nexperia said Easter sales in the Minneapolis-St. Paul area rose.",
		"(RTTNews) - Microsoft (MSFT) and OpenAI (SMSN.UK) agreed. Wingtech Technology Co. Ltd. owns Nexperia.",
		"Cybersicurezza, il direttore spiega\n\nL'AIA - Il governo dei Paesi Bassi e la Commissione Teresa Ribera. Poste e Poste Italiane.",
		"iPhone, iOS e l'iPad; 452.3 billion new Taiwan dollars on Monday; St. . St.\n(A.B) - x",
	} {
		f.Add(s, "it")
		f.Add(s, "en")
	}
	o, err := NewOffline()
	if err != nil {
		f.Fatal(err)
	}
	pub := time.Date(2025, 11, 19, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body, lang string) {
		for _, e := range o.AllIn(body, lang, amount.Context{Published: &pub}) {
			for _, m := range e.Mentions {
				if m.Start < 0 || m.Start > m.End || m.End > len(body) {
					t.Fatalf("%q: mention [%d,%d) of %q out of the body", body, m.Start, m.End, e.Name)
				}
			}
			if e.ID != "" && (e.Names["en"] == "" || e.Names["it"] == "" || e.Name == "") {
				t.Fatalf("%q: %+v has an id without names", body, e)
			}
		}
	})
}
