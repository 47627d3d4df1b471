package entities

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

type alias struct {
	canonical, typ string
	row            int32 // in the knowledge base
}

// aliasTable maps a normalised surface form to the knowledge base's
// gazetteer row of that name (see kb.go): its canonical name and type.
type aliasTable map[string]alias

var (
	aliasOnce  sync.Once
	aliases    aliasTable
	aliasGaz   *gazetteer
	aliasError error
)

// loadAliases returns the names of the knowledge base's gazetteer rows and
// their gazetteer, which the tagger's features and the alias matches of
// Extract share.
func loadAliases() (aliasTable, *gazetteer, error) {
	aliasOnce.Do(func() {
		k, err := loadKB()
		if err != nil {
			aliasError = err
			return
		}
		aliases = aliasTable{}
		for key := range k.byKey {
			if r, ok := k.gazetteerEntry(key); ok {
				row := &k.rows[r]
				aliases[key] = alias{canonical: row.name("it"), typ: row.typ, row: r}
			}
		}
		aliasGaz = newGazetteer(aliases)
	})
	return aliases, aliasGaz, aliasError
}

// normKey folds case, apostrophes and spacing so that "Stati  Uniti",
// "stati uniti" and "STATI UNITI" find the same line.
func normKey(s string) string {
	if plainASCII(s) {
		return strings.ToLower(s)
	}
	s = strings.ReplaceAll(s, "’", "'")
	s = strings.ReplaceAll(s, "`", "'")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// plainASCII reports an ASCII string without '`' whose only spaces are
// single ' ' between other characters: normKey is then its lower case, and
// spaces need no folding (issue #7: most names).
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '`', c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		}
	}
	return true
}

// Canonical returns the canonical name and type of an entity name through the
// knowledge base's gazetteer rows, with the Italian name: Canonical("Aws",
// "ORG") is ("Amazon Web Services", "ORG") and Canonical("USA", "LOCATION")
// is ("Stati Uniti", "LOCATION"). Names it does not know come back trimmed,
// with typ unchanged. Link gives the id and the name in any language.
func Canonical(name, typ string) (string, string) {
	t, _, err := loadAliases()
	clean := name
	if !plainASCII(name) {
		clean = strings.Join(strings.Fields(name), " ")
	}
	if err != nil {
		return clean, typ
	}
	if a, ok := t[normKey(clean)]; ok {
		return a.canonical, a.typ
	}
	return clean, typ
}

// gazetteer finds alias names in lower-cased token sequences.
type gazetteer struct {
	byFirst map[string][][]string
	types   map[string]string // joined tokens -> type
}

func newGazetteer(t aliasTable) *gazetteer {
	g := &gazetteer{byFirst: map[string][][]string{}, types: map[string]string{}}
	for k, a := range t {
		var toks []string
		for _, tk := range Tokenize(k) {
			toks = append(toks, tk.Text)
		}
		if len(toks) == 0 {
			continue
		}
		j := strings.Join(toks, " ")
		if _, ok := g.types[j]; ok {
			continue
		}
		g.types[j] = a.typ
		g.byFirst[toks[0]] = append(g.byFirst[toks[0]], toks)
	}
	return g
}

// match labels each position with "B-TYPE"/"I-TYPE" for the longest alias
// starting there, or "" when none does.
func (g *gazetteer) match(lw []string) []string { return g.matchInto(make([]string, len(lw)), lw) }

// matchInto is match writing into out (len(lw), all "").
func (g *gazetteer) matchInto(out, lw []string) []string {
	if g == nil {
		return out
	}
	for i := 0; i < len(lw); {
		best := 0
		var typ string
		for _, cand := range g.byFirst[lw[i]] {
			if len(cand) <= best || i+len(cand) > len(lw) {
				continue
			}
			ok := true
			for k, c := range cand {
				if lw[i+k] != c {
					ok = false
					break
				}
			}
			if ok {
				best = len(cand)
				typ = g.types[strings.Join(cand, " ")]
			}
		}
		if best == 0 {
			i++
			continue
		}
		out[i] = "B-" + typ
		for k := 1; k < best; k++ {
			out[i+k] = "I-" + typ
		}
		i += best
	}
	return out
}
