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
	var out []news.Entity
	byKey := map[string]int{}
	for _, a := range amount.Find(body, lang) {
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
	return append(o.Extract(body, lang), Amounts(body, lang)...)
}
