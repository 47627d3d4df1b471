package amount

import (
	"testing"

	"github.com/newsbrief/newsbrief/internal/corpus"
)

// TestOurArticles runs Find over our own articles (internal/corpus): the
// span invariants on every one, and every figure of the lead article.
func TestOurArticles(t *testing.T) {
	for _, a := range corpus.All() {
		checkInvariants(t, a.Text, Find(a.Text, a.Lang))
	}
	text := corpus.Get(corpus.Lead).Text
	got := Find(text, "it")
	want := []w{
		{D, "2025-12-17", 0, "iso=2025-12-17"},
		{M, "600 milioni di euro", 6e8, "cur=EUR"},
		{Q, "due milioni di case", 2e6, "unit=case"},
		{D, "2027", 0, "iso=2027"},
		{M, "600 milioni di euro", 6e8, "cur=EUR"},
		{D, "febbraio", 0, ""},
		{M, "150 milioni di euro", 1.5e8, "cur=EUR q=about"},
		{P, "12%", 12, ""},
		{D, "2024", 0, "iso=2024"},
		{M, "300 milioni di euro", 3e8, "cur=EUR"},
		{M, "30 euro", 30, "cur=EUR q=under"},
	}
	if len(got) != len(want) {
		for _, g := range got {
			t.Log(show(g))
		}
		t.Fatalf("found %d amounts, want %d", len(got), len(want))
	}
	for i, x := range want {
		if wa := x.amount(); !same(got[i], wa) {
			t.Errorf("amount %d\n got  %s\n want %s", i, show(got[i]), show(wa))
		}
	}
}
