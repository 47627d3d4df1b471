package amount

import (
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Context is what FindIn knows about the article beyond its text.
type Context struct {
	// Published is the article's publication time, if known: dates
	// without a year are resolved against it.
	Published *time.Time
}

// FindIn is Find with the article's context (issue #14):
//   - a weekday alone ("mercoledì", "Wednesday") is the most recent such
//     day on or before the publication date (news reports what happened;
//     "next Tuesday" is read the same way, a known limit), a day and month
//     without a year ("17 settembre") and a month alone ("a dicembre") take
//     the year that puts them closest to the publication date. Each gets
//     its ISO date and Approximate, as its year (or day) is inferred;
//   - a bare scaled amount ("300 milioni", no currency, no unit) becomes
//     MONEY only when its own sentence names exactly one currency for
//     another amount ("5 miliardi di euro; l'utile a 300 milioni"): the
//     article then names the currency for it. Otherwise it stays QUANTITY
//     ("ha raccolto 122 milioni"): never a guessed currency.
func FindIn(text, lang string, c Context) []Amount {
	as := Find(text, lang)
	if c.Published != nil {
		for i := range as {
			resolveDate(&as[i], *c.Published)
		}
	}
	for i := range as {
		a := &as[i]
		if a.Kind != news.Quantity || a.Unit != "" || a.Approximate || !scaled(a.Text) {
			continue
		}
		if cur, ok := sentenceCurrency(text, as, i); ok {
			a.Kind, a.Currency = news.Money, cur
		}
	}
	return as
}

// scaled reports an amount written with a scale word ("300 milioni",
// "1.2 billion"), the only bare numbers a currency can be carried to.
func scaled(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if l := lookup(w); l != nil && l.scale >= 1e6 {
			return true
		}
	}
	return false
}

// sentenceCurrency returns the one currency the MONEY amounts of as[i]'s
// sentence name, if they name exactly one.
func sentenceCurrency(text string, as []Amount, i int) (string, bool) {
	cur := ""
	for j, b := range as {
		if j == i || b.Kind != news.Money || b.Currency == "" || !sameSentence(text, as[i], b) {
			continue
		}
		if cur != "" && cur != b.Currency {
			return "", false
		}
		cur = b.Currency
	}
	return cur, cur != ""
}

// sameSentence reports two spans with no sentence end between them.
func sameSentence(text string, a, b Amount) bool {
	lo, hi := a.End, b.Start
	if b.End <= a.Start {
		lo, hi = b.End, a.Start
	}
	if lo > hi {
		return true
	}
	between := text[lo:hi]
	return !strings.ContainsAny(between, "!?\n") && !strings.Contains(between, ". ")
}

// resolveDate gives a date without a year its ISO date from the
// publication time ref.
func resolveDate(a *Amount, ref time.Time) {
	if a.Kind != news.Date || a.ISO != "" {
		return
	}
	p := a.part
	y, mo, d := ref.Date()
	day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	switch {
	case p.month > 0 && p.day > 0:
		best := time.Time{}
		for _, yy := range []int{y - 1, y, y + 1} {
			t := time.Date(yy, time.Month(p.month), p.day, 0, 0, 0, 0, time.UTC)
			if t.Day() != p.day { // 29 February of a common year
				continue
			}
			if best.IsZero() || absDays(t.Sub(day)) < absDays(best.Sub(day)) {
				best = t
			}
		}
		if best.IsZero() {
			return
		}
		a.ISO, a.Approximate = best.Format("2006-01-02"), true
	case p.month > 0:
		best, bestD := 0, 0
		for _, yy := range []int{y - 1, y, y + 1} {
			mid := time.Date(yy, time.Month(p.month), 15, 0, 0, 0, 0, time.UTC)
			if dd := absDays(mid.Sub(day)); best == 0 || dd < bestD {
				best, bestD = yy, dd
			}
		}
		a.ISO, a.Approximate = isoMonth(best, p.month), true
	case p.weekday > 0:
		back := (int(day.Weekday()) - (p.weekday - 1) + 7) % 7
		a.ISO, a.Approximate = day.AddDate(0, 0, -back).Format("2006-01-02"), true
	}
}

func absDays(d time.Duration) int {
	if d < 0 {
		d = -d
	}
	return int(d / (24 * time.Hour))
}
