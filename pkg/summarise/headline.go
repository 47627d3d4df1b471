package summarise

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Headline returns a tidy headline of at most MaxHeadline runes: the title
// when it fits, else the title cut at the last clause boundary that fits.
// Without a title it states the news from the lead sentence: attribution
// ("PANews reported that …", "secondo quanto riportato da …", "…, the
// company said"), appositions ("Paragon Solutions, an Israeli firm, said")
// and lead-ins ("La notizia è ufficiale: …") are removed, and what is left
// is cut at a clause boundary. A word cut with "…" is the last resort.
func Headline(title, lead string) string {
	src := oneLine(title)
	if src == "" {
		src = mainClause(strings.TrimLeft(oneLine(lead), "•·▪-–—* "))
	}
	src = strings.TrimRight(src, " .;:,")
	return shorten(src, MaxHeadline, 4, false)
}

// The patterns of attribution and apposition mainClause removes. They run
// once per article, on one sentence.
var (
	// Leading attribution, up to its comma or "that"/"che".
	attribLead = []*regexp.Regexp{
		regexp.MustCompile(`^(?i:according to|citing|as reported by|as first reported by) [^,]{1,80}, `),
		regexp.MustCompile(`^[A-Z][^,;:]{0,80}? (?:reported|reports|has reported|wrote|writes|revealed|reveals|has learned|learned|cited [^,]{1,60}? as saying)(?: on [A-Za-z]+(?: \d{1,2}(?:st|nd|rd|th)?)?)? that `),
		regexp.MustCompile(`^(?i:secondo quanto (?:riportato|riferito|riporta|riferisce|scrive|rivela|appreso|si legge|si apprende)|secondo|stando a|come (?:riportato|riporta|scrive|rivela|riferisce|anticipato)|a quanto (?:riporta|riferisce|scrive|si apprende|risulta)) [^,]{0,120}, `),
		regexp.MustCompile(`^(?i:si apprende|si legge|è ufficiale|la notizia è ufficiale|lo annuncia|lo rende noto|lo riporta|lo scrive)[^,:]{0,60}(?:: |, | che )`),
		regexp.MustCompile(`^[A-Z][^,;:]{0,80}? (?:riporta|scrive|rivela|riferisce|ha riferito|ha rivelato|ha scritto|fa sapere|rende noto|ha reso noto) che `),
	}
	// A news outlet reporting, before a new subject: "The Wall Street
	// Journal said OpenAI …", "Il Sole 24 Ore scrive che …".
	mediaSaid = regexp.MustCompile(`^((?:The |Il |La |Lo )?[A-Z][\w.&' ]{0,40}) (?:said|says|reported|reports|wrote|writes|scrive|riporta|riferisce|rivela)(?: che)? `)
	// Attribution inside the sentence, between commas or dashes.
	attribMid = regexp.MustCompile(`, (?i:citing|according to|secondo|stando a|come (?:riporta|scrive|riferisce)|as reported by)[^,]{1,80},`)
	// Trailing attribution.
	attribTail = []*regexp.Regexp{
		regexp.MustCompile(`,? (?i:according to|citing|secondo|stando a|as reported by|come (?:riporta|scrive|riferisce|si legge)) [^,]*$`),
		regexp.MustCompile(`, (?:the [a-z]+|[A-Z][\w.&' ]{0,40}|[a-z]+ [A-Z][\w.&' ]{0,40}) (?:said|says|told [^,]{1,40}|reported|announced|added|wrote)(?: on [A-Z][a-z]+| in a statement| on [^,]{1,20})?$`),
		regexp.MustCompile(`, (?:ha|hanno) (?:detto|dichiarato|spiegato|annunciato|riferito|sottolineato|precisato|aggiunto) [^,]*$`),
		regexp.MustCompile(`, (?:si legge|fa sapere|riferisce|riporta|scrive) [^,]*$`),
	}
	// A short lead-in before a colon: "La notizia è ufficiale: …".
	leadIn = regexp.MustCompile(`^[^:,]{3,60}: `)
	// An apposition after the subject: "Paragon Solutions, an Israeli firm, said".
	apposition = regexp.MustCompile(`^([A-Z][^,]{1,50}), (?:(?:an?|the|il|lo|la|un|uno|una|i|gli|le|its|la sua|il suo) |l['’]|un['’])[^,]{3,90}, `)
	// An aside between dashes: "Cloudflare—the US-based company …—suffered",
	// "ha colpito alcune aziende — tra queste, Qantas e Disney — portando".
	dashAside = regexp.MustCompile(`\s?[—–]\s?[^—–]{3,120}?\s?[—–]\s?`)
)

// pronouns left at the start after removing "X reported that" mean the
// reporter was the story's subject ("Google said that it …"): keep it.
var pronounStart = map[string]bool{"it": true, "he": true, "she": true, "they": true, "we": true, "its": true, "this": true, "i": true}

// anyIn reports whether the lower case of s contains one of needles: a
// cheap test before a regular expression that cannot match otherwise.
func anyIn(s string, needles ...string) bool {
	ls := strings.ToLower(s)
	for _, n := range needles {
		if strings.Contains(ls, n) {
			return true
		}
	}
	return false
}

// mainClause reduces a lead sentence to the news it states. Each pattern
// runs only when a word it needs is there (a third of Offline's time went
// to them otherwise).
func mainClause(s string) string {
	for range 3 {
		before := s
		if !anyIn(s, "according", "citing", "as reported", "as first", " that ", "secondo", "stando", "come ", "a quanto", "si apprende", "si legge", "ufficiale", "lo annuncia", "lo rende", "lo riporta", "lo scrive", " che ") {
			break
		}
		for _, re := range attribLead {
			if loc := re.FindStringIndex(s); loc != nil && loc[1] < len(s) {
				rest := s[loc[1]:]
				first, _, _ := strings.Cut(rest, " ")
				if pronounStart[strings.ToLower(first)] || len(strings.Fields(rest)) < 5 {
					continue
				}
				s = capitalise(rest)
				break
			}
		}
		if s == before {
			break
		}
	}
	if anyIn(s, ", citing", ", according", ", secondo", ", stando", ", come ", ", as reported") {
		s = attribMid.ReplaceAllString(s, "")
	}
	s = dropIntro(dropIntro(s))
	if !anyIn(s, " said ", " says ", " reported ", " reports ", " wrote ", " writes ", " scrive ", " riporta ", " riferisce ", " rivela ") {
		// no outlet reporting
	} else if m := mediaSaid.FindStringSubmatchIndex(s); m != nil && isMedia(s[m[2]:m[3]]) {
		if rest := s[m[1]:]; len(strings.Fields(rest)) >= 5 {
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsUpper(r) {
				s = rest
			}
		}
	}
	if c := strings.IndexByte(s, ':'); c < 3 || c > 61 {
		// no short lead-in
	} else if m := leadIn.FindStringIndex(s); m != nil && len(strings.Fields(s[m[1]:])) >= 6 && !namesSomething(s[:m[1]]) {
		s = capitalise(s[m[1]:])
	}
	if c := strings.IndexByte(s, ','); c < 0 || c > 52 {
		// no apposition after a short subject
	} else if m := apposition.FindStringSubmatchIndex(s); m != nil {
		rest := s[m[1]:]
		if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
			s = s[m[2]:m[3]] + " " + rest
		}
	}
	if strings.Contains(s, "—") || strings.Contains(s, "–") {
		s = dashAside.ReplaceAllString(s, " ")
	}
	end := strings.TrimRight(s, ".!")
	if !anyIn(end, "according", "citing", "secondo", "stando", "as reported", "come ", " said", " says", " told", " reported",
		" announced", " added", " wrote", ", ha ", ", hanno ", ", si legge", ", fa sapere", ", riferisce", ", riporta", ", scrive") {
		return strings.TrimSpace(end)
	}
	for _, re := range attribTail {
		if loc := re.FindStringIndex(end); loc != nil && loc[0] > 20 {
			end = end[:loc[0]]
		}
	}
	return strings.TrimSpace(end)
}

// introWords open a circumstance before the subject: "In a ceremony
// attended by …, Airbus unveiled …", "Just two weeks after …, shares fell".
var introWords = map[string]bool{
	"in": true, "on": true, "at": true, "after": true, "before": true, "within": true, "during": true,
	"following": true, "since": true, "just": true, "despite": true, "amid": true, "with": true, "under": true,
	"last": true, "this": true, "earlier": true, "today": true, "yesterday": true, "when": true, "while": true,
	"nel": true, "nella": true, "negli": true, "nei": true, "dopo": true, "durante": true, "entro": true,
	"oggi": true, "ieri": true, "mentre": true, "quando": true, "con": true, "tra": true, "fra": true,
	"stamattina": true, "stasera": true, "stanotte": true,
}

// dropIntro removes an opening circumstance when a capitalised subject
// (in English, any subject) follows its comma: "In a ceremony attended by leaders, Airbus unveiled
// the A380" → "Airbus unveiled the A380". An Italian sentence whose verb
// follows the comma ("Alla conferenza, ha parlato …") keeps it.
func dropIntro(s string) string {
	first, after, _ := strings.Cut(s, " ")
	second, _, _ := strings.Cut(after, " ")
	dated := (first == "Il" || first == "On") && second != "" && second[0] >= '0' && second[0] <= '9' // "Il 13 giugno a Cupertino, …"
	if !introWords[strings.ToLower(first)] && !dated {
		return s
	}
	i := strings.Index(s, ", ")
	if i < 0 || i > 120 {
		return s
	}
	rest := s[i+2:]
	r, _ := utf8.DecodeRuneInString(rest)
	if len(strings.Fields(rest)) < 5 || !(unicode.IsUpper(r) || englishIntro[strings.ToLower(first)] && unicode.IsLower(r)) {
		return s
	}
	return capitalise(rest)
}

// englishIntro are intro words only English has: after them a lower-case
// word is still the subject ("On Friday, fishermen rescued …"), where in
// Italian it would be the verb ("Nel 2025, ha …").
var englishIntro = map[string]bool{
	"on": true, "at": true, "after": true, "before": true, "within": true, "during": true, "following": true,
	"since": true, "just": true, "despite": true, "amid": true, "with": true, "under": true, "last": true,
	"this": true, "earlier": true, "today": true, "yesterday": true, "when": true, "while": true,
}

// mediaWords name news outlets and agencies: a reporter made of one of
// them is a source, not the story's subject.
var mediaWords = []string{
	"journal", "times", "post", "news", "reuters", "bloomberg", "press", "cnbc", "cnn", "bbc", "axios",
	"information", "corriere", "repubblica", "sole", "ansa", "stampa", "agenzia", "agency", "media",
	"newspaper", "quotidiano", "giornale", "messaggero", "verge", "techcrunch", "wired", "guardian",
	"telegraph", "economist", "handelsblatt", "nikkei", "afp", "adnkronos", "panews",
}

func isMedia(reporter string) bool {
	lr := strings.ToLower(reporter)
	for _, w := range mediaWords {
		if strings.Contains(lr, w) {
			return true
		}
	}
	return false
}

// namesSomething reports a capitalised word after the first: a lead-in
// that names an actor ("Il Garante sanziona OpenAI: …") is the news itself.
func namesSomething(s string) bool {
	for i, w := range strings.Fields(s) {
		if r, _ := utf8.DecodeRuneInString(w); i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// clauseMarks are the places a long sentence may be cut: after punctuation,
// or before a conjunction or relative pronoun.
var clauseMarks = []struct {
	mark   string
	before bool // cut before the mark (conjunctions), not after it
}{
	{", ", false}, {"; ", false}, {": ", false}, {" – ", true}, {" — ", true}, {" - ", true},
	{" (", true}, {" che ", true}, {" perché ", true}, {" mentre ", true}, {" ma ", true},
	{" poiché ", true}, {" dopo che ", true}, {" which ", true}, {" who ", true}, {" because ", true},
	{" while ", true}, {" but ", true}, {" after ", true}, {" as ", true}, {" e ", true}, {" and ", true},
}

// pickCut chooses where to cut: for a headline (!mark) the longest cut
// whose head has a verb, a clause boundary in the second half first, then
// a phrase boundary, then any clause boundary; else, as for key points,
// the longest clause boundary, or a phrase boundary when that is short.
func pickCut(s string, clauses, phrases []int, maxByte int, mark bool) int {
	longest := func(cuts []int, ok func(int) bool) int {
		best := -1
		for _, c := range cuts {
			if c > best && ok(c) {
				best = c
			}
		}
		return best
	}
	any := func(int) bool { return true }
	if !mark {
		verb := func(c int) bool { return hasVerb(s[:c]) && !dangles(s[:c]) && balanced(s[:c]) }
		if c := longest(clauses, func(c int) bool { return c >= maxByte/2 && verb(c) }); c > 0 {
			return c
		}
		if c := longest(phrases, verb); c > 0 {
			return c
		}
		if c := longest(clauses, verb); c > 0 {
			return c
		}
	}
	ok := any
	if !mark {
		ok = func(c int) bool { return balanced(s[:c]) }
	}
	best := longest(clauses, ok)
	if best < maxByte/2 && !mark {
		best = max(best, longest(phrases, ok))
	}
	return best
}

// hasVerb reports whether s seems to hold a finite verb: an auxiliary, a
// common news verb, or a word with a verb ending (English "-ed", Italian
// participles, futures and conditionals). A guess without a tagger, used
// only to prefer one headline cut over another.
func hasVerb(s string) bool {
	prev := ""
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, ",;:.«»“”\"()")
		if isVerb(w, prev) {
			return true
		}
		prev = strings.ToLower(w)
	}
	return false
}

// isVerb reports whether w (after prev) looks like a finite verb: an
// Italian participle counts only after an auxiliary ("ha firmato", not
// "il governo, guidato da").
func isVerb(w, prev string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsLower(r) {
		return false
	}
	if verbWords[w] {
		return true
	}
	for _, e := range verbEndings {
		if len(w) >= len(e)+3 && strings.HasSuffix(w, e) {
			return !participleEnding(e) || auxiliaries[prev]
		}
	}
	return false
}

func participleEnding(e string) bool {
	switch e {
	case "ato", "ata", "ati", "ate", "ito", "ita", "iti", "ite", "uto", "uta", "uti":
		return true
	}
	return false
}

// auxiliaries make a participle after them a verb.
var auxiliaries = map[string]bool{
	"ha": true, "hanno": true, "è": true, "sono": true, "era": true, "erano": true, "sarà": true,
	"saranno": true, "stato": true, "stata": true, "stati": true, "state": true, "viene": true,
	"vengono": true, "aveva": true, "avevano": true, "sia": true, "siano": true, "abbia": true,
	"abbiano": true, "avrebbe": true, "sarebbe": true, "avere": true, "essere": true, "ho": true, "abbiamo": true,
}

// dangles reports a head ending in a gerund, which announces a complement
// the cut would drop ("…, portando", "… causing"), or in a that-clause
// without its verb.
func dangles(head string) bool {
	head = strings.TrimRight(head, " ,;:")
	last := head[strings.LastIndexByte(head, ' ')+1:]
	if strings.HasSuffix(last, "ando") || strings.HasSuffix(last, "endo") || strings.HasSuffix(last, "ing") {
		return true
	}
	// A verb whose object the cut drops ("hanno constatato", "ha affermato").
	prev := ""
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		before := strings.TrimRight(head[:i], " ")
		prev = strings.ToLower(before[strings.LastIndexByte(before, ' ')+1:])
	}
	if isVerb(strings.Trim(last, ",;:.«»“”\"()"), prev) {
		return true
	}
	// A clause opened by "that"/"che" and cut before its verb ("following
	// allegations that its spyware, Graphite, was misused").
	for _, m := range []string{" that ", " che "} {
		if i := strings.LastIndex(head, m); i >= 0 && !hasVerb(head[i+len(m):]) {
			return true
		}
	}
	return false
}

// verbWords and verbEndings are the evidence hasVerb looks for.
var (
	verbWords = map[string]bool{
		"is": true, "are": true, "was": true, "were": true, "has": true, "have": true, "had": true, "will": true,
		"would": true, "can": true, "could": true, "may": true, "might": true, "should": true, "must": true,
		"did": true, "does": true, "says": true, "said": true, "plans": true, "wins": true, "won": true, "sues": true,
		"buys": true, "bought": true, "sells": true, "sold": true, "launches": true, "unveils": true,
		"announces": true, "cuts": true, "raises": true, "agrees": true, "approves": true, "rejects": true,
		"faces": true, "hits": true, "takes": true, "took": true, "makes": true, "made": true, "gets": true,
		"got": true, "sets": true, "opens": true, "closes": true, "reports": true, "warns": true, "seeks": true,
		"signs": true, "leads": true, "led": true, "joins": true, "leaves": true, "left": true, "becomes": true,
		"became": true, "begins": true, "began": true, "ends": true, "gives": true, "gave": true, "pays": true,
		"paid": true, "loses": true, "lost": true, "falls": true, "fell": true, "rises": true, "rose": true,
		"jumps": true, "drops": true, "expects": true, "confirms": true, "denies": true, "kills": true,
		"è": true, "sono": true, "era": true, "erano": true, "ha": true, "hanno": true, "aveva": true,
		"avevano": true, "sarà": true, "saranno": true, "può": true, "possono": true, "deve": true, "devono": true,
		"viene": true, "vengono": true, "resta": true, "restano": true, "fa": true, "fanno": true, "va": true,
		"vanno": true, "dà": true, "sta": true, "stanno": true,
	}
	verbEndings = []string{
		"ed", "ato", "ata", "ati", "ate", "ito", "ita", "iti", "ite", "uto", "uta", "uti",
		"rà", "ranno", "rebbe", "rebbero", "ava", "avano", "eva", "evano", "isce", "iscono",
	}
)

// phraseMarks are weaker cut points for headlines: before a preposition
// that opens a complement.
var phraseMarks = []string{
	" with ", " for ", " in ", " on ", " at ", " to ", " from ", " by ", " over ", " amid ", " between ", " against ", " under ",
	" following ", " despite ", " due to ", " a causa ", " in seguito ",
	" con ", " per ", " nel ", " nella ", " nei ", " negli ", " nelle ", " sul ", " sulla ", " sui ", " sugli ", " sulle ",
	" tra ", " fra ", " dal ", " dalla ", " dai ", " dalle ", " al ", " alla ", " alle ", " agli ", " contro ",
}

// shorten cuts s to at most limit runes without breaking a word. It prefers
// the last clause boundary that keeps at least limit/minDiv runes; a cut
// anywhere else ends with "…", and so does every cut when mark is set.
// Trailing punctuation and dangling function words are removed.
func shorten(s string, limit, minDiv int, mark bool) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	// Byte offset of the rune limit.
	maxByte := len(s)
	n := 0
	for i := range s {
		if n == limit {
			maxByte = i
			break
		}
		n++
	}
	minByte := 0
	n = 0
	for i := range s {
		if n == limit/minDiv {
			minByte = i
			break
		}
		n++
	}
	var clauses, phrases []int
	for _, m := range clauseMarks {
		from := 0
		for {
			k := strings.Index(s[from:], m.mark)
			if k < 0 {
				break
			}
			at := from + k
			cut := at
			if !m.before {
				cut = at + 1 // keep the punctuation, trimmed below
			}
			if cut > maxByte {
				break
			}
			if cut >= minByte && (mark || hasLowerWord(s[:cut])) {
				clauses = append(clauses, cut)
			}
			from = at + len(m.mark)
		}
	}
	if !mark {
		// A phrase boundary (before a preposition) also reads as a
		// headline without "…".
		for _, m := range phraseMarks {
			from := 0
			for {
				k := strings.Index(s[from:], m)
				if k < 0 || from+k > maxByte {
					break
				}
				if at := from + k; at >= minByte {
					phrases = append(phrases, at)
				}
				from += k + len(m)
			}
		}
	}
	best := pickCut(s, clauses, phrases, maxByte, mark)
	if best > 0 {
		return tidyEnd(s[:best], mark)
	}
	// Word boundary with an ellipsis (one rune of room for it).
	cut := strings.LastIndexByte(s[:prevRune(s, maxByte)], ' ')
	if cut <= 0 {
		return string([]rune(s)[:limit-1]) + "…"
	}
	return tidyEnd(s[:cut], true)
}

// hasLowerWord reports whether s has a word in lower case that is not a
// function word: a head made only of a name ("Australian Prime Minister
// John Howard") is no headline.
func hasLowerWord(s string) bool {
	for _, w := range strings.Fields(s) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !stopwords[strings.ToLower(strings.Trim(w, ",;:"))] {
			return true
		}
	}
	return false
}

func prevRune(s string, i int) int {
	_, size := utf8.DecodeLastRuneInString(s[:i])
	return i - size
}

// tidyEnd drops trailing punctuation and function words; with ellipsis it
// appends "…".
func tidyEnd(s string, ellipsis bool) string {
	for {
		s = strings.TrimRight(s, " ,;:–—-(")
		i := strings.LastIndexByte(s, ' ')
		if i < 0 {
			break
		}
		last := strings.ToLower(s[i+1:])
		if !stopwords[last] || len(s[:i]) < 10 {
			break
		}
		s = s[:i]
	}
	if ellipsis {
		return s + "…"
	}
	return s
}
