package entities

import (
	"strconv"

	"github.com/newsbrief/newsbrief/pkg/amount"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// Amounts returns the MONEY, PERCENT, QUANTITY and DATE entities of body:
// every expression package amount finds, grouped by what it means (kind,
// value, currency or date), so "10 miliardi di dollari" twice is one entity
// with two mentions. The name is the first surface form.
func Amounts(body, lang string) []news.Entity {
	return AmountsIn(body, lang, amount.Context{})
}

// AmountsIn is Amounts with the article's context: dates without a year
// resolved against the publication date, a currency carried only where
// the sentence names it (amount.FindIn).
func AmountsIn(body, lang string, c amount.Context) []news.Entity {
	return amountEntities(amount.FindIn(body, lang, c))
}

func amountEntities(as []amount.Amount) []news.Entity {
	var out []news.Entity
	byKey := map[string]int{}
	for _, a := range as {
		key := a.Kind + "|" + a.Currency + "|" + a.ISO + "|" + a.Unit + "|" + a.Qualifier + "|" + strconv.FormatFloat(a.Value, 'g', -1, 64)
		if a.Kind == news.Date && a.ISO == "" {
			key += "|" + a.Text
		}
		m := news.Mention{Start: a.Start, End: a.End}
		if i, ok := byKey[key]; ok {
			out[i].Count++
			out[i].Mentions = append(out[i].Mentions, m)
			continue
		}
		byKey[key] = len(out)
		out = append(out, FromAmount(a, m))
	}
	return out
}

// FromAmount turns one amount into an entity with one mention.
func FromAmount(a amount.Amount, m news.Mention) news.Entity {
	e := news.Entity{Name: a.Text, Type: a.Kind, Currency: a.Currency, Unit: a.Unit, Qualifier: a.Qualifier,
		Approximate: a.Approximate, ISO: a.ISO, Count: 1, Mentions: []news.Mention{m}}
	if a.Kind != news.Date {
		v := a.Value
		e.Value = &v
	}
	return e
}

// All returns the names (o.Extract) and the amounts of body, names first.
func (o *Offline) All(body, lang string) []news.Entity {
	return o.AllIn(body, lang, amount.Context{})
}

// AllIn is All with the article's context (AmountsIn). A name inside a
// MONEY amount is part of the currency, not an entity: "Taiwan" in "452.3
// billion new Taiwan dollars".
func (o *Offline) AllIn(body, lang string, c amount.Context) []news.Entity {
	as := AmountsIn(body, lang, c)
	names := o.Extract(body, lang)
	var money []news.Mention
	for _, a := range as {
		if a.Type == news.Money {
			money = append(money, a.Mentions...)
		}
	}
	if len(money) > 0 {
		kept := names[:0]
		for _, e := range names {
			ms := e.Mentions[:0]
			for _, m := range e.Mentions {
				if !inside(m, money) {
					ms = append(ms, m)
				}
			}
			if len(ms) > 0 {
				e.Mentions, e.Count = ms, len(ms)
				kept = append(kept, e)
			}
		}
		names = kept
	}
	return append(names, as...)
}

func inside(m news.Mention, spans []news.Mention) bool {
	for _, s := range spans {
		if m.Start >= s.Start && m.End <= s.End {
			return true
		}
	}
	return false
}
