package entities

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// The knowledge base gives a name an identity: one id per real-world thing,
// its name in Italian and English, its type. Two embedded files make it:
//   - data/kb.tsv, written by us: companies and their divisions, products,
//     chips, platforms, Italian, EU and other authorities, laws, the people
//     who lead them, and the places and institutions news names most (with
//     the names and aliases news uses);
//   - data/places.tsv.gz, built by cmd/kbbuild from the shared bilingual
//     list of countries, regions, subdivisions, cities and international
//     organisations (sources and licences in README.md).
// A kb.tsv row whose id is also in places.tsv.gz replaces its names there.
//
// Rows of kb.tsv, countries, world regions and international organisations
// with an Italian name are "gazetteer" rows: their names make entities by
// themselves (the alias matches of Extract) and feed the tagger's gazetteer
// features. The other rows (cities, subdivisions, the other organisations)
// only link a name the tagger found with the same type: "Springfield" alone
// is not a place until the tagger says so.

//go:embed data/kb.tsv
var kbTSV string

//go:embed data/places.tsv.gz
var placesGz []byte

// kbRow is one thing the knowledge base knows.
type kbRow struct {
	id, typ string
	en, it  string // display names; it is empty when the same as en
	rank    uint8  // lower wins when names collide: see rank* below
	gaz     bool
}

const (
	rankCurated uint8 = iota
	rankCountry
	rankRegion
	rankIntlOrg
	rankCity
	rankSubdivision
	rankCityNoIt
)

// kbLocales are the name columns of the knowledge base, in the order of
// kbRow.col: a language's Display locale must be one of them.
var kbLocales = [2]string{"en", "it"}

// HasDisplay reports whether the knowledge base has names in locale.
func HasDisplay(locale string) bool { return slices.Contains(kbLocales[:], locale) }

// col returns the row's names by column: English, Italian (the English
// name where the Italian is the same).
func (r *kbRow) col() [2]string {
	it := r.it
	if it == "" {
		it = r.en
	}
	return [2]string{r.en, it}
}

// name returns the row's name in the display locale of lang (the
// registry's Language.Display); the English name for any other.
func (r *kbRow) name(lang string) string {
	loc := lang
	if l, ok := language.Get(lang); ok {
		loc = l.Display
	}
	if i := slices.Index(kbLocales[:], loc); i >= 0 {
		return r.col()[i]
	}
	return r.en
}

// names is the Names map of an entity of this row.
func (r *kbRow) names() map[string]string {
	c := r.col()
	m := make(map[string]string, len(kbLocales))
	for i, loc := range kbLocales {
		m[loc] = c[i]
	}
	return m
}

// kb is the loaded knowledge base.
type kb struct {
	rows  []kbRow
	byID  map[string]int32
	byKey map[string][]int32 // normKey(name) -> rows, best first
	// lowerInitial: names of gazetteer rows written with a lower-case
	// initial, exactly as written, tokens joined by one space.
	lowerInitial map[string]bool
}

var (
	kbOnce sync.Once
	kbData *kb
	kbErr  error
)

// loadKB parses the embedded knowledge base once.
func loadKB() (*kb, error) {
	kbOnce.Do(func() { kbData, kbErr = parseKB(kbTSV, placesGz) })
	return kbData, kbErr
}

// placeKinds maps the kind letters of places.tsv.gz to type and rank.
var placeKinds = map[string]struct {
	typ  string
	rank uint8
}{
	"C": {news.Location, rankCountry}, "R": {news.Location, rankRegion}, "O": {news.Org, rankIntlOrg},
	"S": {news.Location, rankSubdivision}, "T": {news.Location, rankCity},
}

// notGazetteer are place names that are also common first names or words
// in news text: they link a LOCATION the tagger found, never make one.
var notGazetteer = map[string]bool{
	"jordan": true, "chad": true, "georgia": true, "guinea": true, "niger": true, "mondo": true,
	"world": true, "america": false, "man": true, "jersey": true, "turkey": false, "micronesia": true,
}

var kbTypes = map[string]bool{news.Person: true, news.Org: true, news.Location: true, news.Product: true, news.Event: true, news.Law: true}

func parseKB(curated string, places []byte) (*kb, error) {
	k := &kb{byID: map[string]int32{}, byKey: map[string][]int32{}, lowerInitial: map[string]bool{}}
	type pending struct {
		row   int32
		names []string
	}
	var all []pending
	// Curated rows first: they win collisions and override place rows.
	sc := bufio.NewScanner(strings.NewReader(curated))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 || len(f) > 5 || f[0] == "" || !kbTypes[f[1]] || strings.TrimSpace(f[2]) == "" {
			return nil, fmt.Errorf("kb.tsv line %d %q: %w", n, line, ErrAliases)
		}
		for len(f) < 5 {
			f = append(f, "")
		}
		if _, dup := k.byID[f[0]]; dup {
			return nil, fmt.Errorf("kb.tsv line %d: id %s twice: %w", n, f[0], ErrAliases)
		}
		r := kbRow{id: f[0], typ: f[1], en: strings.TrimSpace(f[2]), it: strings.TrimSpace(f[3]), rank: rankCurated, gaz: true}
		if r.it == r.en {
			r.it = ""
		}
		k.byID[r.id] = int32(len(k.rows))
		k.rows = append(k.rows, r)
		all = append(all, pending{int32(len(k.rows) - 1), append([]string{r.en, r.it}, strings.Split(f[4], "|")...)})
	}
	zr, err := gzip.NewReader(bytes.NewReader(places))
	if err != nil {
		return nil, fmt.Errorf("places.tsv.gz: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("places.tsv.gz: %w", err)
	}
	text := string(raw)
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.SplitN(line, "\t", 5)
		kind, ok := placeKinds[f[1]]
		if len(f) != 5 || !ok {
			return nil, fmt.Errorf("places.tsv.gz line %q: %w", line, ErrAliases)
		}
		names := append([]string{f[2], f[3]}, strings.Split(f[4], "|")...)
		if i, ok := k.byID[f[0]]; ok {
			// A curated row with this id: keep its names, add the others as aliases.
			all = append(all, pending{i, names})
			continue
		}
		r := kbRow{id: f[0], typ: kind.typ, en: f[2], it: f[3], rank: kind.rank}
		switch {
		case kind.rank == rankCity && r.it == "":
			r.rank = rankCityNoIt
		case kind.rank == rankCountry:
			r.gaz = true
		case kind.rank == rankRegion:
			r.gaz = !strings.HasPrefix(r.id, "m49:")
		case kind.rank == rankIntlOrg:
			r.gaz = r.it != ""
		}
		k.byID[r.id] = int32(len(k.rows))
		k.rows = append(k.rows, r)
		all = append(all, pending{int32(len(k.rows) - 1), names})
	}
	for _, p := range all {
		for _, s := range p.names {
			key := normKey(strings.TrimSpace(s))
			if key == "" || strings.ContainsAny(key, "(),") {
				continue
			}
			// A linking row's acronyms ("PBC": a UN commission) would give
			// ids to every all-capital word the tagger finds.
			if !k.rows[p.row].gaz && isAcronym(strings.TrimSpace(s)) {
				continue
			}
			if !contains32(k.byKey[key], p.row) {
				k.byKey[key] = append(k.byKey[key], p.row)
			}
			if r, _ := utf8.DecodeRuneInString(s); k.rows[p.row].gaz && unicode.IsLower(r) {
				var toks []string
				for _, t := range Tokenize(strings.TrimSpace(s)) {
					toks = append(toks, t.Text)
				}
				k.lowerInitial[strings.Join(toks, " ")] = true
			}
		}
	}
	// Best first: by rank, then by order in the files (stable).
	for key, rs := range k.byKey {
		if len(rs) > 1 {
			sortRows(rs, k.rows)
			k.byKey[key] = rs
		}
	}
	return k, nil
}

// isAcronym reports a short all-capital name ("PBC", "OECD").
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) || unicode.IsSpace(r) {
			return false
		}
		n++
	}
	return n <= 6
}

func sortRows(rs []int32, rows []kbRow) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && (rows[rs[j]].rank < rows[rs[j-1]].rank || rows[rs[j]].rank == rows[rs[j-1]].rank && rs[j] < rs[j-1]); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func contains32(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// gazetteerEntry returns the best gazetteer row named key (normKey), if any.
func (k *kb) gazetteerEntry(key string) (int32, bool) {
	if notGazetteer[key] {
		return -1, false
	}
	for _, r := range k.byKey[key] {
		if k.rows[r].gaz {
			return r, true
		}
	}
	return -1, false
}

// link returns the row a name the tagger found with type typ stands for:
// a gazetteer row of any type (its type wins, as the alias file's did), else
// a linking row of the same type. Several cities of one name and no
// Italian name to tell them apart link none (no guess).
func (k *kb) link(key, typ string) (int32, bool) {
	if r, ok := k.gazetteerEntry(key); ok {
		return r, true
	}
	rs := k.byKey[key]
	best := int32(-1)
	for _, r := range rs {
		row := &k.rows[r]
		if row.typ != typ {
			continue
		}
		if best < 0 {
			best = r
			continue
		}
		if row.rank == k.rows[best].rank && row.rank == rankCityNoIt {
			return -1, false // ambiguous
		}
		break
	}
	if best < 0 && strings.Contains(key, " ") {
		// A multi-word place name the tagger typed otherwise ("Carolina del
		// Nord" ORG): one place of that name links, with its type.
		for _, r := range rs {
			if row := &k.rows[r]; row.typ == news.Location && row.rank < rankCityNoIt {
				return r, true
			}
		}
	}
	return best, best >= 0
}

// Link gives entities found by another engine (the LLM) the knowledge
// base's identity, as Extract does: the id, the names per language and
// the name in lang. Entities it does not know, and amounts, are unchanged.
func (o *Offline) Link(ents []news.Entity, lang string) {
	for i := range ents {
		e := &ents[i]
		switch e.Type {
		case news.Person, news.Org, news.Location, news.Product, news.Event, news.Law:
		default:
			continue
		}
		clean := strings.Join(strings.Fields(e.Name), " ")
		r, ok := o.kb.link(normKey(clean), e.Type)
		if !ok {
			continue
		}
		row := &o.kb.rows[r]
		e.ID, e.Names, e.Name, e.Type = row.id, row.names(), row.name(lang), row.typ
	}
}
