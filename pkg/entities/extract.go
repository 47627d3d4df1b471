package entities

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

//go:embed data/model_it.bin.gz
var modelIT []byte

//go:embed data/model_en.bin.gz
var modelEN []byte

// Offline is the offline entity engine: one tagger per language plus the
// alias table. Build it once with NewOffline; it is safe for concurrent use.
type Offline struct {
	models  map[string]*Model
	aliases aliasTable
	gaz     *gazetteer
	surface map[string][]string // normalised alias -> surface forms as written in the file
}

// NewOffline loads the embedded models and the alias file.
func NewOffline() (*Offline, error) {
	t, g, err := loadAliases()
	if err != nil {
		return nil, fmt.Errorf("loading aliases: %w", err)
	}
	if _, err := wordClusters(); err != nil {
		return nil, fmt.Errorf("loading word clusters: %w", err)
	}
	o := &Offline{models: map[string]*Model{}, aliases: t, gaz: g}
	for lang, data := range map[string][]byte{"it": modelIT, "en": modelEN} {
		m, err := ReadModel(bytes.NewReader(data), g)
		if err != nil {
			return nil, fmt.Errorf("loading %s model: %w", lang, err)
		}
		o.models[lang] = m
	}
	return o, nil
}

func (o *Offline) model(lang string) *Model {
	if m, ok := o.models[strings.ToLower(lang)]; ok {
		return m
	}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return o.models["en"]
	}
	return o.models["it"]
}

// Tag labels pre-tokenised text with IOB2 tags over PER, ORG and LOC; lang
// "en" uses the English model and anything else the Italian one.
func (o *Offline) Tag(tokens []string, lang string) []string {
	if len(tokens) == 0 {
		return nil
	}
	return MapMISC(o.model(lang).Tag(tokens))
}

// TagDoc labels the sentences of one document (an article) like Tag, then
// makes its names consistent across the document as Extract does (see
// docConsistency).
func (o *Offline) TagDoc(sents [][]string, lang string) [][]string {
	out := o.model(lang).TagDoc(sents, lang)
	for _, t := range out {
		MapMISC(t)
	}
	return out
}

// notNames are capitalised or all-caps words that news uses as common nouns:
// they never make an entity on their own.
var notNames = map[string]bool{
	"ai": true, "ia": true, "ceo": true, "cto": true, "cfo": true, "coo": true, "gpu": true, "cpu": true,
	"tpu": false, "tv": true, "pc": true, "usb": true, "pil": true, "iva": true, "pdf": true, "api": true,
	"llm": true, "it": true, "ok": true, "ad": true, "pmi": true, "spa": true, "s.p.a.": true, "srl": true,
	"ict": true, "hr": true, "b2b": true, "b2c": true, "faq": true, "news": true, "startup": true,
	"cloud": true, "chip": true, "big": true, "tech": true, "web": true, "online": true, "covid": false,
	"the": true, "il": true, "la": true, "lo": true, "un": true, "una": true, "uno": true, "questa": true,
	"questo": true, "nel": true, "per": true, "con": true, "a": true, "an": true, "in": true, "of": true,
	"and": true, "e": true, "di": true, "da": true, "ma": true, "se": true, "come": true, "dopo": true,
}

type span struct {
	start, end int // token indices in the sentence
	typ        string
	fromAlias  bool
}

type mention struct {
	name, typ  string
	start, end int // bytes
	surface    string
	fromAlias  bool
}

var typeName = map[string]string{"PER": news.Person, "ORG": news.Org, "LOC": news.Location}

// Extract finds the PERSON, ORG, LOCATION and PRODUCT entities of an article
// body. Names are canonical (see Canonical), every mention carries byte
// offsets into body, and entities are sorted by their first mention.
func (o *Offline) Extract(body, lang string) []news.Entity {
	m := o.model(lang)
	// The document cache (doccache.go) gives each token an entry with its
	// lower case and holds the buffers; the alias matches are computed once
	// per sentence.
	dc := newDocCache(m)
	defer dc.release()
	dc.toks = appendTokens(dc.toks[:0], body)
	toks := dc.toks
	sents := capSentences(Sentences(body, toks), MaxSentenceTokens)
	words := make([][]string, len(sents))
	tags := make([][]string, len(sents))
	wordBuf, lwBuf := dc.strings(len(toks)), dc.strings(len(toks))
	dc.int32s = grow(dc.int32s, len(toks))
	idBuf := dc.int32s
	gzs := make([][]string, len(sents))
	at := 0
	for si, sent := range sents {
		end := at + len(sent)
		ws, lw, ids := wordBuf[at:end:end], lwBuf[at:end:end], idBuf[at:end:end]
		at = end
		for i, t := range sent {
			ws[i] = t.Text
			ids[i] = dc.entry(t.Text)
			lw[i] = dc.e[ids[i]].tgl
		}
		words[si], gzs[si] = ws, o.gaz.matchInto(dc.strings(len(lw)), lw)
		tgz := gzs[si]
		if m.gaz != o.gaz {
			tgz = nil
		}
		tags[si] = MapMISC(m.tagCached(ws, ids, tgz, dc)) // gated: see gateReach
	}
	m.docConsistency(words, tags, lang) // the article is one document
	var ms []mention
	for si, sent := range sents {
		words := words[si]
		spans := tagSpans(tags[si])
		spans = o.mergeAliases(spans, sent, gzs[si])
		headline := isHeadline(words)
		gz := gzs[si]
		for _, sp := range spans {
			sp, ok := trimSpan(sp, sent)
			if ok && headline && !sp.fromAlias {
				sp = cutHeadline(sp, sent, m, gz)
			}
			if !ok || o.junk(sp, sent, m) {
				continue
			}
			start, end := sent[sp.start].Start, sent[sp.end-1].End
			surface := body[start:end]
			typ := sp.typ
			if t, ok := typeName[typ]; ok {
				typ = t
			}
			name, typ := Canonical(surface, typ)
			ms = append(ms, mention{name: name, typ: typ, start: start, end: end, surface: surface, fromAlias: sp.fromAlias})
		}
	}
	return group(ms)
}

// tagSpans reads spans from IOB2 tags.
func tagSpans(tags []string) []span {
	var out []span
	for i := 0; i < len(tags); i++ {
		t := tags[i]
		if len(t) < 3 {
			continue
		}
		typ := t[2:]
		j := i + 1
		for j < len(tags) && tags[j] == "I-"+typ {
			j++
		}
		out = append(out, span{start: i, end: j, typ: typ})
		i = j - 1
	}
	return out
}

// mergeAliases adds names from the alias file that the tagger missed and
// lets PRODUCT aliases win over the tagger's guess; gz holds the alias
// gazetteer's IOB2 matches for the sentence.
func (o *Offline) mergeAliases(spans []span, sent []Token, gz []string) []span {
	for i := 0; i < len(gz); i++ {
		if !strings.HasPrefix(gz[i], "B-") {
			continue
		}
		typ := gz[i][2:]
		j := i + 1
		for j < len(gz) && gz[j] == "I-"+typ {
			j++
		}
		if o.aliasCaseOK(sent[i:j]) {
			g := span{start: i, end: j, typ: typ, fromAlias: true}
			var kept []span
			overlap := false
			for _, s := range spans {
				if s.end <= i || s.start >= j {
					kept = append(kept, s)
					continue
				}
				overlap = true
				// The tagger's span stays unless the alias is a product or
				// covers it exactly or more.
				if typ != news.Product && !(s.start >= i && s.end <= j) {
					kept = append(kept, s)
					g.typ = ""
				}
			}
			if g.typ != "" || !overlap {
				if g.typ == "" {
					g.typ = typ
				}
				kept = append(kept, g)
			}
			sort.Slice(kept, func(a, b int) bool { return kept[a].start < kept[b].start })
			spans = kept
		}
		i = j - 1
	}
	return spans
}

// aliasCaseOK accepts an alias match only when the text writes it as a
// name: the first word capitalised, and short all-caps aliases ("US", "UE")
// in capitals.
func (o *Offline) aliasCaseOK(toks []Token) bool {
	first := toks[0].Text
	r, _ := utf8.DecodeRuneInString(first)
	if !unicode.IsUpper(r) {
		return false
	}
	if len(toks) == 1 && utf8.RuneCountInString(first) <= 3 && !isAllCaps(first) {
		// "Usa" and "Ue" are common spellings, "us" or "Us" in English are not.
		k := normKey(first)
		return k == "usa" || k == "ue" || k == "aws" || k == "amd" || k == "ibm" || k == "onu" || k == "bce"
	}
	return true
}

// isHeadline reports a title-case sentence: most of its words capitalised.
func isHeadline(words []string) bool {
	caps, n := 0, 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			n++
			if unicode.IsUpper(r) {
				caps++
			}
		}
	}
	return n >= 3 && caps*10 >= n*7
}

// cutHeadline ends a span of a title-case headline after a known alias it
// starts with, or before its first capitalised common word:
// "Amazon Weighs Multibillion Investment" -> "Amazon". gz holds the alias
// gazetteer's IOB2 matches for the sentence.
func cutHeadline(sp span, sent []Token, m *Model, gz []string) span {
	if strings.HasPrefix(gz[sp.start], "B-") {
		j := sp.start + 1
		for j < sp.end && strings.HasPrefix(gz[j], "I-") {
			j++
		}
		if j < sp.end {
			sp.end = j
			return sp
		}
	}
	for j := sp.start + 1; j < sp.end; j++ {
		w := sent[j].Text
		l := strings.ToLower(w)
		if isCap(w) && (m.lower[hstr(fnvOff, l)] || commonLower(l)) {
			sp.end = j
			break
		}
	}
	return sp
}

// trimSpan drops punctuation and English "'s" at the edges of a span.
func trimSpan(sp span, sent []Token) (span, bool) {
	edge := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || strings.EqualFold(s, "'s") || strings.EqualFold(s, "’s")
	}
	for sp.start < sp.end && edge(sent[sp.start].Text) {
		sp.start++
	}
	for sp.end > sp.start && edge(sent[sp.end-1].Text) {
		sp.end--
	}
	// Names do not end in a lower-case word ("Amazon potrebbe") and do not
	// start or end with a common acronym ("Gpu Nvidia").
	for sp.end-sp.start > 1 {
		last := sent[sp.end-1].Text
		r, _ := utf8.DecodeRuneInString(last)
		if unicode.IsLower(r) || notNames[strings.ToLower(last)] {
			sp.end--
			continue
		}
		break
	}
	for sp.end-sp.start > 1 && notNames[strings.ToLower(stripElision(sent[sp.start].Text))] {
		sp.start++
	}
	return sp, sp.end > sp.start
}

// junk rejects spans that are not names: no capital letter at all, common
// words and acronyms on their own, and a sentence's first word when the
// tagger has it only because it is capitalised.
func (o *Offline) junk(sp span, sent []Token, m *Model) bool {
	hasUpper := false
	for _, t := range sent[sp.start:sp.end] {
		if strings.IndexFunc(t.Text, unicode.IsUpper) >= 0 {
			hasUpper = true
		}
	}
	if !hasUpper {
		return true
	}
	if sp.fromAlias {
		return false
	}
	if sp.end-sp.start == 1 {
		w := strings.ToLower(stripElision(sent[sp.start].Text))
		if notNames[w] {
			return true
		}
		if utf8.RuneCountInString(w) < 2 {
			return true
		}
		first := sp.start == 0
		if !first {
			r, _ := utf8.DecodeRuneInString(sent[sp.start-1].Text)
			first = !unicode.IsLetter(r) && !unicode.IsDigit(r) && sp.start == 1
		}
		if first && (m.lower[hstr(fnvOff, w)] || commonLower(w)) {
			return true
		}
	}
	return false
}

// group collects mentions into entities: same canonical name, surname-only
// references to a full PERSON name, and one type per name (the alias file's,
// or the most frequent).
func group(ms []mention) []news.Entity {
	// Full person names by their last and first tokens.
	persons := map[string][]string{}
	for _, m := range ms {
		if m.typ != news.Person {
			continue
		}
		parts := strings.Fields(m.name)
		if len(parts) < 2 {
			continue
		}
		for _, p := range []string{parts[len(parts)-1], parts[0]} {
			if !contains(persons[p], m.name) {
				persons[p] = append(persons[p], m.name)
			}
		}
	}
	for i, m := range ms {
		if m.fromAlias && m.typ != news.Person {
			continue
		}
		if full := persons[m.name]; len(full) == 1 && !strings.Contains(m.name, " ") {
			ms[i].name, ms[i].typ = full[0], news.Person
		}
	}
	type acc struct {
		e      news.Entity
		types  [5]int // mentions by type, in the order of groupTypes
		pinned string
	}
	known := map[string]bool{} // by name: in the alias file
	byName := map[string]*acc{}
	var order []string
	for _, m := range ms {
		key := strings.ToLower(m.name)
		a, ok := byName[key]
		if !ok {
			a = &acc{e: news.Entity{Name: m.name}}
			byName[key] = a
			order = append(order, key)
		}
		if t := slices.Index(groupTypes[:], m.typ); t >= 0 {
			a.types[t]++
		}
		k, ok := known[m.name]
		if !ok {
			_, k = aliasesLookup(m.name)
			known[m.name] = k
		}
		if k {
			a.pinned = m.typ
		}
		a.e.Mentions = append(a.e.Mentions, news.Mention{Start: m.start, End: m.end})
	}
	out := make([]news.Entity, 0, len(order))
	for _, k := range order {
		a := byName[k]
		typ := a.pinned
		if typ == "" {
			best := -1
			for i, t := range groupTypes {
				if a.types[i] > best {
					typ, best = t, a.types[i]
				}
			}
		}
		a.e.Type = typ
		sort.Slice(a.e.Mentions, func(i, j int) bool { return a.e.Mentions[i].Start < a.e.Mentions[j].Start })
		a.e.Count = len(a.e.Mentions)
		out = append(out, a.e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Mentions[0].Start < out[j].Mentions[0].Start })
	return out
}

// groupTypes are the entity types group chooses from, in order of preference
// on a tie. (A mention of another type counts for none of them, as before.)
var groupTypes = [5]string{news.Person, news.Org, news.Location, news.Product, news.Event}

func aliasesLookup(name string) (alias, bool) {
	t, _, err := loadAliases()
	if err != nil {
		return alias{}, false
	}
	a, ok := t[normKey(name)]
	return a, ok
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
