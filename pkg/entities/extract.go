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

	"github.com/newsbrief/newsbrief/pkg/language"
	"github.com/newsbrief/newsbrief/pkg/news"
)

//go:embed data/model_it.bin.gz
var modelIT []byte

//go:embed data/model_en.bin.gz
var modelEN []byte

// Offline is the offline entity engine: one tagger per language plus the
// alias table. Build it once with NewOffline; it is safe for concurrent use.
type Offline struct {
	kb      *kb
	models  map[string]*Model
	aliases aliasTable
	gaz     *gazetteer
	surface map[string][]string // normalised alias -> surface forms as written in the file
	// lowerInitial are the knowledge base's names with a lower-case initial
	// ("iPhone", "la Repubblica"), as written.
	lowerInitial map[string]bool
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
	k, err := loadKB()
	if err != nil {
		return nil, fmt.Errorf("loading the knowledge base: %w", err)
	}
	o := &Offline{kb: k, models: map[string]*Model{}, aliases: t, gaz: g, lowerInitial: k.lowerInitial}
	for lang, data := range taggerModels {
		m, err := ReadModel(bytes.NewReader(data), g)
		if err != nil {
			return nil, fmt.Errorf("loading %s model: %w", lang, err)
		}
		o.models[lang] = m
	}
	return o, nil
}

// taggerModels are the embedded tagger models by key (the registry's
// Language.Tagger, pkg/language).
var taggerModels = map[string][]byte{"it": modelIT, "en": modelEN}

// HasTagger reports whether a tagger model of that key is embedded.
func HasTagger(key string) bool { _, ok := taggerModels[key]; return ok }

// model returns the tagger of a registered language, or nil: a language the
// registry does not know gets no names, never another language's model.
func (o *Offline) model(lang string) *Model {
	l, ok := language.Get(lang)
	if !ok {
		return nil
	}
	return o.models[l.Tagger]
}

// Tag labels pre-tokenised text with IOB2 tags over PER, ORG and LOC with
// the tagger of lang (all O for a language without one).
func (o *Offline) Tag(tokens []string, lang string) []string {
	if len(tokens) == 0 {
		return nil
	}
	m := o.model(lang)
	if m == nil {
		return allO(len(tokens))
	}
	return MapMISC(m.Tag(tokens))
}

func allO(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "O"
	}
	return out
}

// TagDoc labels the sentences of one document (an article) like Tag, then
// makes its names consistent across the document as Extract does (see
// docConsistency).
func (o *Offline) TagDoc(sents [][]string, lang string) [][]string {
	m := o.model(lang)
	if m == nil {
		out := make([][]string, len(sents))
		for i, s := range sents {
			out[i] = allO(len(s))
		}
		return out
	}
	out := m.TagDoc(sents, lang)
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
	// plurals of common acronyms and time zones (issue #14: "GPUs" PERSON, "CET" ORG)
	"gpus": true, "cpus": true, "tpus": true, "llms": true, "apis": true, "ceos": true, "pcs": true,
	"desk": true, "easter": true, "christmas": true, "thanksgiving": true, "pasqua": true, "natale": true, "ferragosto": true, "capodanno": true,
	"agi": true, "cet": true, "cest": true, "gmt": true, "utc": true, "bst": true, "est": true, "edt": true, "pst": true, "pdt": true,
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
	row        int32 // knowledge-base row, or -1
}

var typeName = map[string]string{"PER": news.Person, "ORG": news.Org, "LOC": news.Location}

// Extract finds the PERSON, ORG, LOCATION and PRODUCT entities of an article
// body. Names are canonical (see Canonical), every mention carries byte
// offsets into body, and entities are sorted by their first mention.
func (o *Offline) Extract(body, lang string) []news.Entity {
	m := o.model(lang)
	if m == nil {
		return nil
	}
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
	quiet := quietZones(body)
	var ms []mention
	for si, sent := range sents {
		words := words[si]
		spans := tagSpans(tags[si])
		spans = o.mergeAliases(spans, sent, gzs[si])
		headline := isHeadline(words)
		gz := gzs[si]
		for _, sp := range spans {
			sp, ok := trimSpan(sp, sent)
			if ok && !sp.fromAlias {
				sp = trimLeadingLower(sp, sent, m)
			}
			if ok && headline && !sp.fromAlias {
				sp = cutHeadline(sp, sent, m, gz)
			}
			if !ok || o.junk(sp, sent, m) || headline && !sp.fromAlias && allCommon(sp, sent, m) {
				continue
			}
			start, end := sent[sp.start].Start, sent[sp.end-1].End
			if len(quiet) > 0 && inZone(start, end, quiet) || isTicker(body, start, end, sp) {
				continue
			}
			surface := body[start:end]
			typ := sp.typ
			if t, ok := typeName[typ]; ok {
				typ = t
			}
			name, typ, row := o.resolve(surface, typ)
			ms = append(ms, mention{name: name, typ: typ, start: start, end: end, surface: surface, fromAlias: sp.fromAlias, row: row})
		}
	}
	ms = o.joinSaints(body, ms)
	ms = dropLoneTitleWords(body, ms)
	return o.group(ms, lang)
}

// dropLoneTitleWords drops a one-word PERSON the tagger found as the first
// word of a line ("Cybersicurezza, il direttore spiega…") when no other
// mention of the article shares that word: a headline's first word is
// capitalised whatever it is, and a person a headline names by surname is
// named again in the text.
func dropLoneTitleWords(body string, ms []mention) []mention {
	out := ms[:0]
	for i, m := range ms {
		if m.typ == news.Person && m.row < 0 && !m.fromAlias && !strings.Contains(m.surface, " ") &&
			(m.start == 0 || body[m.start-1] == '\n') && isTitleLine(body, m.start) {
			seen := false
			for j, n := range ms {
				if j != i && strings.Contains(n.surface, m.surface) {
					seen = true
					break
				}
			}
			if !seen {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// isTitleLine reports a line (from start) that does not end a sentence:
// a headline or a sub-heading.
func isTitleLine(body string, start int) bool {
	end := strings.IndexByte(body[start:], '\n')
	if end < 0 {
		end = len(body)
	} else {
		end += start
	}
	line := strings.TrimRight(body[start:end], " \t\r")
	r, _ := utf8.DecodeLastRuneInString(line)
	return line != "" && !strings.ContainsRune(".!?\"”»:;)", r)
}

// isTicker reports a stock ticker in parentheses, "(SMSN.UK)", "(NASDAQ:
// NVDA)": capitals with a point or a colon, alone between brackets.
func isTicker(body string, start, end int, sp span) bool {
	if sp.fromAlias || start == 0 || end >= len(body) || body[start-1] != '(' || body[end] != ')' {
		return false
	}
	s := body[start:end]
	if !strings.ContainsAny(s, ".:") {
		return false
	}
	for _, r := range s {
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '.' || r == ':' || r == ' ') {
			return false
		}
	}
	return true
}

// joinSaints joins a place name cut at the point of "St." ("Minneapolis-St"
// + "Paul", "St" + "Louis") into one LOCATION: a name ending in "St", "Ste"
// or "Mt", then ". ", then the next name.
func (o *Offline) joinSaints(body string, ms []mention) []mention {
	for i := 0; i+1 < len(ms); i++ {
		a, b := ms[i], ms[i+1]
		if b.start < a.end {
			continue
		}
		gap := body[a.end:b.start]
		if gap != ". " && gap != "." {
			continue
		}
		w := a.surface
		if k := strings.LastIndexAny(w, " -"); k >= 0 {
			w = w[k+1:]
		}
		if w != "St" && w != "Ste" && w != "Mt" && w != "Ft" {
			continue
		}
		surface := body[a.start:b.end]
		name, typ, row := o.resolve(surface, news.Location)
		ms[i] = mention{name: name, typ: typ, start: a.start, end: b.end, surface: surface, row: row}
		ms = append(ms[:i+1], ms[i+2:]...)
	}
	return ms
}

// resolve links a mention to the knowledge base: its name (the KB's English
// name, a key for grouping; group shows the brief's language), its type (a
// kb.tsv row's type wins, as the alias file's did; else the mention's own,
// for group's vote) and its row, or the name as written, typ and -1.
func (o *Offline) resolve(surface, typ string) (string, string, int32) {
	clean := surface
	if !plainASCII(surface) {
		clean = strings.Join(strings.Fields(surface), " ")
	}
	if r, ok := o.kb.link(normKey(clean), typ); ok {
		row := &o.kb.rows[r]
		if row.rank == rankCurated || !groupsType(typ) || !row.gaz && row.typ != typ {
			typ = row.typ
		}
		return row.en, typ, r
	}
	if base := stripLegal(clean); base != clean {
		if r, ok := o.kb.link(normKey(base), typ); ok && o.kb.rows[r].typ == news.Org {
			return o.kb.rows[r].en, news.Org, r
		}
	}
	if typ == news.Org && isLawName(clean) {
		typ = news.Law
	}
	return clean, typ, -1
}

// legalSuffixes end company names: "Wingtech Technology Co. Ltd." is
// Wingtech Technology, "Facebook Italy S.r.l." a company, not a product.
var legalSuffixes = map[string]bool{
	"co": true, "co.": true, "ltd": true, "ltd.": true, "inc": true, "inc.": true, "corp": true, "corp.": true,
	"llc": true, "plc": true, "limited": true, "ag": true, "gmbh": true, "sa": true, "s.a.": true, "nv": true,
	"n.v.": true, "spa": true, "s.p.a.": true, "srl": true, "s.r.l.": true, "se": false, "group": false,
}

// stripLegal drops trailing legal-form words and punctuation from a name.
func stripLegal(name string) string {
	f := strings.Fields(name)
	n := len(f)
	for n > 1 {
		w := strings.ToLower(strings.TrimRight(f[n-1], ","))
		if !legalSuffixes[w] && w != "" {
			break
		}
		n--
	}
	if n == len(f) {
		return name
	}
	return strings.TrimRight(strings.Join(f[:n], " "), ",")
}

func groupsType(t string) bool { return slices.Contains(groupTypes[:], t) }

// isLawName reports a name the tagger typed ORG that names a law: English
// "... Act" ("Cyber Solidarity Act"), Italian "Regolamento ...", "Direttiva
// ...", "Legge ...", "Decreto ...". Laws are LAW, never ORG (issue #14).
func isLawName(name string) bool {
	f := strings.Fields(name)
	if len(f) < 2 {
		return false
	}
	switch f[len(f)-1] {
	case "Act", "Directive", "Regulation":
		return true
	}
	switch f[0] {
	case "Regolamento", "Direttiva", "Legge", "Decreto", "Dl", "Ddl":
		return true
	}
	return false
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
	spans = splitSpans(spans, sent, gz)
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
				// covers it exactly or more; a product's name inside a
				// company's ("WhatsApp Ireland Limited") is the company.
				if (typ != news.Product || legalEnd(sent, s, j)) && !(s.start >= i && s.end <= j) {
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

// splitSpans cuts a tagger span that runs two names together where a known
// name starts or ends it (issue #14): "Microsoft Satya Nadella" (ORG +
// PERSON), "Commissione Teresa Ribera" (a PERSON inside an ORG), a byline
// and a dateline "Toby Sterling AMSTERDAM". Only when the rest is itself a
// known name, or the known name is a PERSON in a span of another type, or
// an all-capital LOCATION ends a PERSON span; never across a lower-case word
// ("Bank of America").
func splitSpans(spans []span, sent []Token, gz []string) []span {
	var out []span
	for _, s := range spans {
		// A company's legal name that starts with a known name the
		// tagger left out: "WhatsApp" + "Ireland Limited".
		if k := s.start; k > 0 && gz[k-1] != "" && legalSuffixes[strings.ToLower(sent[s.end-1].Text)] {
			a := k - 1
			for a > 0 && strings.HasPrefix(gz[a], "I-") {
				a--
			}
			if strings.HasPrefix(gz[a], "B-") && (len(out) == 0 || out[len(out)-1].end <= a) {
				s.start = a
				out = append(out, s)
				continue
			}
		}
		out = append(out, cutSpan(s, sent, gz)...)
	}
	return out
}

func cutSpan(s span, sent []Token, gz []string) []span {
	if s.end-s.start < 2 {
		return []span{s}
	}
	for _, t := range sent[s.start:s.end] {
		r, _ := utf8.DecodeRuneInString(t.Text)
		if unicode.IsLower(r) {
			return []span{s}
		}
	}
	// matches: the gazetteer's names inside s.
	type m struct {
		i, j int
		typ  string
	}
	var ms []m
	for i := s.start; i < s.end; i++ {
		if !strings.HasPrefix(gz[i], "B-") {
			continue
		}
		j := i + 1
		for j < len(gz) && gz[j] == "I-"+gz[i][2:] {
			j++
		}
		if j > s.end {
			return []span{s}
		}
		ms = append(ms, m{i, j, gz[i][2:]})
		i = j - 1
	}
	tagTyp := typeName[s.typ]
	if tagTyp == "" {
		tagTyp = s.typ
	}
	covered := func(a, b int) bool {
		for _, x := range ms {
			if x.i == a && x.j == b {
				return true
			}
		}
		return false
	}
	for _, x := range ms {
		if x.i == s.start && x.j == s.end {
			return []span{s}
		}
		// a dateline inside a byline: "Toby Sterling AMSTERDAM Nexperia"
		if x.i > s.start && x.j < s.end && tagTyp == news.Person && x.typ == news.Location && isAllCaps(sent[x.i].Text) {
			left := span{start: s.start, end: x.i, typ: s.typ}
			right := span{start: x.j, end: s.end, typ: s.typ}
			out := append(cutSpan(left, sent, gz), span{start: x.i, end: x.j, typ: s.typ})
			return append(out, cutSpan(right, sent, gz)...)
		}
		if x.i != s.start && x.j != s.end {
			continue
		}
		a, b := s.start, x.i // the rest
		if x.i == s.start {
			a, b = x.j, s.end
		}
		ok := covered(a, b) ||
			x.typ == news.Person && tagTyp != news.Person ||
			x.typ == news.Location && tagTyp == news.Person && x.j == s.end && isAllCaps(sent[x.i].Text) ||
			// a byline running into a company: "Toby Sterling Nexperia"
			tagTyp == news.Person && x.typ != news.Person && b-a >= 2
		if !ok {
			continue
		}
		known := span{start: x.i, end: x.j, typ: s.typ}
		rest := span{start: a, end: b, typ: s.typ}
		if x.i == s.start {
			return append([]span{known}, cutSpan(rest, sent, gz)...)
		}
		return append(cutSpan(rest, sent, gz), known)
	}
	return []span{s}
}

// legalEnd reports a span that runs past position j and ends in a legal
// form ("Ltd", "S.r.l."), i.e. a company's name.
func legalEnd(sent []Token, s span, j int) bool {
	if s.end <= j {
		return false
	}
	var b strings.Builder
	for _, t := range sent[s.start:s.end] {
		if b.Len() > 0 && t.Start > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	last := strings.ToLower(sent[s.end-1].Text)
	return legalSuffixes[last] || legalSuffixes[strings.TrimSuffix(last, ".")] || stripLegal(b.String()) != b.String()
}

// aliasCaseOK accepts an alias match only when the text writes it as a
// name: the first word capitalised, and short all-caps aliases ("US", "UE")
// in capitals.
func (o *Offline) aliasCaseOK(toks []Token) bool {
	first := toks[0].Text
	r, _ := utf8.DecodeRuneInString(first)
	if !unicode.IsUpper(r) {
		// Names written with a lower-case initial ("iPhone", "xAI",
		// "eBay") count only when written exactly so.
		if len(toks) == 1 {
			return o.lowerInitial[first]
		}
		parts := make([]string, len(toks))
		for i, t := range toks {
			parts[i] = t.Text
		}
		return o.lowerInitial[strings.Join(parts, " ")]
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
	// start or end with a common acronym ("Gpu Nvidia"); a known name keeps
	// its own ("Commissione europea").
	for sp.end-sp.start > 1 && !sp.fromAlias {
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

// nameParticles start names in lower case: "von der Leyen", "de Gaulle".
var nameParticles = map[string]bool{"von": true, "van": true, "de": true, "der": true, "den": true, "di": true, "da": true,
	"del": true, "della": true, "dos": true, "du": true, "la": true, "le": true, "al": true, "el": true, "bin": true, "ibn": true}

// trimLeadingLower drops common lower-case words a span starts with
// ("governo dei Paesi Bassi" → "Paesi Bassi"), never a name particle.
func trimLeadingLower(sp span, sent []Token, m *Model) span {
	for sp.end-sp.start > 1 {
		w := sent[sp.start].Text
		r, _ := utf8.DecodeRuneInString(w)
		l := strings.ToLower(w)
		if !unicode.IsLower(r) || nameParticles[l] || !(m.lower[hstr(fnvOff, l)] || commonLower(l)) {
			break
		}
		sp.start++
	}
	return sp
}

// allCommon reports a span of a title-case headline made only of common
// lower-case words ("OpenAI Completes Restructure": "Completes Restructure").
func allCommon(sp span, sent []Token, m *Model) bool {
	for _, t := range sent[sp.start:sp.end] {
		l := strings.ToLower(t.Text)
		if !(m.lower[hstr(fnvOff, l)] || commonLower(l)) {
			return false
		}
	}
	return true
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

// group collects mentions into entities: one per knowledge-base row or,
// for names it does not know, per name; surname-only references to a full
// PERSON name and one-word ORG names that start or end exactly one longer
// ORG name of the article ("Wingtech" and "Wingtech Technology",
// "Commissione" and "Commissione europea") join it. One name has one type:
// a gazetteer row's, else the majority of its mentions (ties by groupTypes
// order, the knowledge base's type first; the type of a row of our own
// kb.tsv, checked by hand, wins outright). Known entities carry their id,
// their names per language and the name in lang.
func (o *Offline) group(ms []mention, lang string) []news.Entity {
	// Full names by their last and first tokens.
	persons := map[string][]int{}
	orgs := map[string][]int{}
	for i, m := range ms {
		var by map[string][]int
		switch m.typ {
		case news.Person:
			by = persons
		case news.Org:
			by = orgs
		default:
			continue
		}
		// By its name and, for a known one, as the article writes it
		// ("Commissione europea" is European Commission).
		for _, n := range []string{m.name, m.surface} {
			parts := strings.Fields(n)
			if len(parts) < 2 {
				continue
			}
			for _, p := range []string{parts[len(parts)-1], parts[0]} {
				if !slices.ContainsFunc(by[p], func(j int) bool { return ms[j].name == m.name }) {
					by[p] = append(by[p], i)
				}
			}
		}
	}
	for i, m := range ms {
		if strings.Contains(m.name, " ") {
			continue
		}
		if full := persons[m.name]; len(full) == 1 && (!m.fromAlias || m.typ == news.Person) && m.row < 0 {
			f := ms[full[0]]
			ms[i].name, ms[i].typ, ms[i].row = f.name, news.Person, f.row
			continue
		}
		if full := orgs[m.name]; len(full) == 1 && m.row < 0 && (m.typ == news.Org || m.typ == news.Location) && !m.fromAlias {
			f := ms[full[0]]
			ms[i].name, ms[i].typ, ms[i].row = f.name, news.Org, f.row
		}
	}
	type acc struct {
		e      news.Entity
		types  [6]int // mentions by type, in the order of groupTypes
		pinned string
		row    int32
	}
	byName := map[string]*acc{}
	var order []string
	for _, m := range ms {
		key := strings.ToLower(m.name)
		if m.row >= 0 {
			key = "\x00" + o.kb.rows[m.row].id
		}
		a, ok := byName[key]
		if !ok {
			a = &acc{e: news.Entity{Name: m.name}, row: m.row}
			byName[key] = a
			order = append(order, key)
		}
		if t := slices.Index(groupTypes[:], m.typ); t >= 0 {
			a.types[t]++
		}
		if m.row >= 0 && o.kb.rows[m.row].rank == rankCurated {
			a.pinned = o.kb.rows[m.row].typ
		}
		a.e.Mentions = append(a.e.Mentions, news.Mention{Start: m.start, End: m.end})
	}
	out := make([]news.Entity, 0, len(order))
	for _, k := range order {
		a := byName[k]
		typ := a.pinned
		if typ == "" {
			best := -1
			kbTyp := ""
			if a.row >= 0 {
				kbTyp = o.kb.rows[a.row].typ
			}
			for i, t := range groupTypes {
				if a.types[i] > best || a.types[i] == best && t == kbTyp {
					typ, best = t, a.types[i]
				}
			}
		}
		a.e.Type = typ
		if a.row >= 0 {
			row := &o.kb.rows[a.row]
			a.e.ID, a.e.Names, a.e.Name = row.id, row.names(), row.name(lang)
		}
		sort.Slice(a.e.Mentions, func(i, j int) bool { return a.e.Mentions[i].Start < a.e.Mentions[j].Start })
		a.e.Count = len(a.e.Mentions)
		out = append(out, a.e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Mentions[0].Start < out[j].Mentions[0].Start })
	return out
}

// groupTypes are the entity types group chooses from, in order of preference
// on a tie. (A mention of another type counts for none of them, as before.)
var groupTypes = [6]string{news.Person, news.Org, news.Location, news.Product, news.Event, news.Law}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
