// Package summarise writes the offline brief of an article: headline,
// extractive summary, key points, topics and keywords, for Italian and
// English news, with no model and no network.
//
// The LLM writes the real brief when it is available; this package is what
// the pipeline falls back to, and what it serves when no LLM is configured,
// so it must never fail and must never invent text. Everything it returns is
// copied from the article (headline clauses, whole sentences) or chosen from
// a fixed vocabulary (topics).
//
// # Summary
//
// News puts the facts first, and the plain lead (Lead-3) is a strong
// baseline that many trained systems barely beat. Offline therefore keeps
// the lead and only improves on it where a lead fails:
//
//   - Non-sentences are skipped: metadata lines ("date 2025-12-17"),
//     datelines ("Friday, July 21, 2017"), photo captions ("… Image: NASA."),
//     headings (lines without a final stop), fragments starting in lower
//     case and very short lines.
//   - The remaining sentences are scored by position (strongly lead-biased),
//     centrality (overlap with the article's frequent content words), overlap
//     with the title, and entity salience (the entities passed in, weighted by
//     mention count; without them, recurring capitalised words).
//   - The first real sentence is always kept; then the best-scoring sentences
//     are added, skipping near-duplicates, until the summary has 2–4
//     sentences and about 30 words, and are printed in article order.
//
// # Headline
//
// The title when there is one and it fits 110 characters, else the title
// cut at a clause boundary. Without a title, the news of the lead sentence
// (or of a clearly more central one of the next two): attribution,
// appositions, asides between dashes, lead-ins and opening circumstances
// are removed, and what is left is cut where its head still has a verb —
// a clause boundary, else a phrase boundary; "…" only when there is none.
//
// # Key points
//
// Two to five sentences that are not in the summary, ranked by entities and
// numbers, no two with word-set Jaccard similarity of 0.5 or more, in
// article order. Each is a whole fact: the sentence itself when it has at
// most 220 characters, else the sentence cut at a clause boundary that
// keeps its subject, verb and first figure, and ended with a full stop;
// a sentence that cannot be cut so, a list lead-in, a question or a piece
// of a quotation is passed over for another. Never "…". A very short
// article can have fewer than two.
//
// # Topics
//
// Labels from the fixed taxonomy in Taxonomy (see docs/topics.md for the
// cue words and scoring), kept only with enough evidence: ai, cloud, chips,
// cybersecurity, outage, telecom, software, devices, big-tech, startups,
// funding, m&a, regulation, antitrust, copyright, space, energy, mobility,
// science, health, economy, politics, justice, disaster, sport, culture.
//
// # Keywords
//
// Up to eight terms: entity names and capitalised phrases first, then
// frequent content words, with the Italian and English stopword lists of
// this package removed.
package summarise

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/sentence"
)

// Result is the offline brief of one article.
type Result struct {
	// Headline is at most MaxHeadline runes, in the article's language.
	Headline string
	// Summary is 2–4 sentences of the article, in article order.
	Summary string
	// KeyPoints are 2–5 further sentences or clauses, not in the summary.
	KeyPoints []string
	// Topics come from Taxonomy, best first.
	Topics []string
	// Keywords are the article's main terms, best first.
	Keywords []string
}

// MaxHeadline is the longest headline Offline returns, in runes.
const MaxHeadline = 110

// Tuning constants. They were set from general knowledge of news style
// (lead sentences of 20–35 words, abstracts of 50–80 words), not fitted to a
// data set.
const (
	minSentWords  = 6   // shorter sentences are not summary material
	keyPointRunes = 220 // key points longer than this are cut at a clause, or not used
	maxKeyPoints  = 5
	maxKeywords   = 8
)

// Summary weights and budget; variables only so that the evaluation test
// can report how sensitive the result is to them. A strong position weight
// follows the lead bias of news (why Lead-3 is hard to beat); centrality
// and the overlap with the title (which states the news) choose the
// sentences after the lead. Issue #17 chose a 30-word budget (two
// sentences unless they are short), centrality 0.4 and title 0.5 from a
// 24-setting grid on the 24 GUM pairs: in-sample ROUGE-L 1.068 × Lead-3,
// but the leave-one-out estimate of choosing so is 1.031 ×, the figure to
// trust (docs in README "Summaries"). Two sentences are always kept.
var (
	summaryWords              = 30  // stop adding sentences once the summary has this many words
	summaryMaxWord            = 100 // never exceed this with a third or fourth sentence
	wPos, wCent, wTitle, wEnt = 0.8, 0.4, 0.5, 0.15
	wFig                      = 0.0 // sentences with figures (numbers)
	longSent, lenExp          = 45.0, 0.4
)

type sent struct {
	span      sentence.Span
	text      string
	words     []word
	keys      []keyCount // content keys, by id
	para      int        // paragraph index
	paraSents int        // sentences in the paragraph
	candidate bool       // fit for the summary
	pointable bool       // fit for a key point
	rank      int        // position among candidates
	score     float64
	salience  float64 // entities and numbers, for key points
}

// keyCount is a content key (word.id) of a sentence and its occurrences.
type keyCount struct{ id, n int32 }

// article is a body split into sentences and words, with its title's words.
type article struct {
	sents []sent
	title []word
	body  []word // the words of all sentences, in order
	nkeys int    // distinct keys in title and body: word.id < nkeys
}

// Offline returns the brief of an article. title may be empty; lang is "it"
// or "en" (anything else is treated as both); ents are the article's
// entities with mentions into body, or nil.
func Offline(title, body, lang string, ents []news.Entity) Result {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	a := analyse(sc, title, body, lang)
	sents := a.sents
	var res Result
	res.Summary, res.KeyPoints = pick(a, ents)
	lead := -1
	for i, s := range sents {
		if s.candidate {
			lead = i
			break
		}
	}
	if lead < 0 && len(sents) > 0 {
		lead = 0
	}
	var leadWords []word
	leadText := ""
	if lead >= 0 {
		leadText, leadWords = sents[lead].text, sents[lead].words
	}
	if title == "" {
		if h := headlineSentence(sents); h >= 0 {
			leadText = sents[h].text
		}
	}
	res.Headline = Headline(title, leadText)
	res.Topics = topics(sc, a.title, leadWords, a.body, ents)
	res.Keywords = keywords(sc, a, ents)
	if res.KeyPoints == nil {
		res.KeyPoints = []string{}
	}
	return res
}

// headlineSentence picks the sentence a headline is made from when there
// is no title: the lead, unless one of the next two summary candidates is
// clearly more central (half again its score, which weighs position,
// centrality and entities), passing over questions and mostly quoted
// sentences, which state no news. It returns -1 when there is no
// candidate.
func headlineSentence(sents []sent) int {
	best, seen := -1, 0
	for i := range sents {
		s := &sents[i]
		if !s.candidate {
			continue
		}
		if seen++; seen > 3 {
			break
		}
		last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s.text, "»”\")"))
		if last == '?' || quotedShare(s.text) > 0.4 {
			continue
		}
		if best < 0 || s.score > 1.5*sents[best].score {
			best = i
		}
	}
	return best
}

// quotedShare is the share of s's bytes inside quotation marks.
func quotedShare(s string) float64 {
	in, n := false, 0
	for _, r := range s {
		switch r {
		case '«', '“':
			in = true
			continue
		case '»', '”':
			in = false
			continue
		case '"':
			in = !in
			continue
		}
		if in {
			n += utf8.RuneLen(r)
		}
	}
	if len(s) == 0 {
		return 0
	}
	return float64(n) / float64(len(s))
}

// Lead returns the first n sentences of body as split by package sentence,
// joined by spaces: the Lead-n baseline. It skips nothing.
func Lead(body, lang string, n int) string {
	spans := sentence.Split(body, lang)
	if len(spans) > n {
		spans = spans[:n]
	}
	return strings.Join(sentence.Texts(body, spans), " ")
}

// analyse splits body and marks which sentences can be used.
func analyse(sc *scratch, title, body, lang string) article {
	spans := sentence.Split(body, lang)
	if len(spans) > 0 {
		if n := metaPrefixLen(body[spans[0].Start:spans[0].End]); n > 0 {
			spans[0].Start += n
			if spans[0].Start >= spans[0].End {
				spans = spans[1:]
			}
		}
	}
	tk := &sc.tk
	tk.grow(len(title) + len(body))
	tk.add(title)
	ends := slices.Grow(sc.ends[:0], len(spans)+1)[:len(spans)+1]
	sc.ends = ends
	ends[0] = len(tk.words)
	for i, sp := range spans {
		tk.add(body[sp.Start:sp.End])
		ends[i+1] = len(tk.words)
	}
	words := tk.finish()
	a := article{sents: make([]sent, 0, len(spans)), title: words[:ends[0]:ends[0]], body: words[ends[0]:], nkeys: tk.nkeys}
	sents := a.sents
	// Content keys per sentence, sorted by id, in one backing slice.
	count := slices.Grow(sc.count[:0], tk.nkeys)[:tk.nkeys]
	clear(count)
	backing := slices.Grow(sc.backing[:0], len(words)-ends[0])
	ids := sc.ids[:0]
	para, prevEnd := 0, 0
	for i, sp := range spans {
		if i > 0 && blankBetween(body[prevEnd:sp.Start]) {
			para++
		}
		prevEnd = sp.End
		s := sent{span: sp, text: body[sp.Start:sp.End], words: words[ends[i]:ends[i+1]:ends[i+1]], para: para}
		ids = ids[:0]
		for _, w := range s.words {
			if w.cont {
				if count[w.id] == 0 {
					ids = append(ids, w.id)
				}
				count[w.id]++
			}
		}
		slices.Sort(ids)
		from := len(backing)
		for _, id := range ids {
			backing = append(backing, keyCount{id, count[id]})
			count[id] = 0
		}
		s.keys = backing[from:len(backing):len(backing)]
		sents = append(sents, s)
	}
	sc.count, sc.backing, sc.ids = count, backing, ids
	perPara := make([]int, para+1)
	for _, s := range sents {
		perPara[s.para]++
	}
	for i := range sents {
		sents[i].paraSents = perPara[sents[i].para]
	}
	rank := 0
	for i := range sents {
		s := &sents[i]
		nw := len(s.words)
		first, _ := utf8.DecodeRuneInString(s.text)
		last, _ := utf8.DecodeLastRuneInString(s.text)
		ended := strings.ContainsRune(".!?…»”\")", last)
		meta := (i == 0 && nw <= 5 && !ended && isMetaLine(s.text)) ||
			(nw <= 8 && isDateLine(s.text)) ||
			(strings.IndexByte(s.text, ':') >= 0 && isCaption(s.text))
		s.pointable = !meta && ended && nw >= 5 && !unicode.IsLower(first)
		s.candidate = s.pointable && nw >= minSentWords &&
			!(s.paraSents == 1 && nw < 8) // lone short line: usually a caption
		if s.candidate {
			s.rank = rank
			rank++
		}
	}
	a.sents = sents
	return a
}

func blankBetween(gap string) bool {
	nl := 0
	for _, r := range gap {
		if r == '\n' {
			nl++
		}
	}
	return nl >= 2
}

// pick chooses the summary and the key points.
func pick(a article, ents []news.Entity) (string, []string) {
	sents := a.sents
	if len(sents) == 0 {
		return "", nil
	}
	score(a, ents)
	var cands []int
	for i, s := range sents {
		if s.candidate {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		// Nothing looks like prose: fall back to the longest pieces.
		for i, s := range sents {
			if len(s.words) >= 3 {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			return sents[0].text, nil
		}
	}
	chosen := []int{cands[0]}
	words := len(sents[cands[0]].words)
	order := append([]int(nil), cands[1:]...)
	sort.SliceStable(order, func(a, b int) bool { return sents[order[a]].score > sents[order[b]].score })
	for _, i := range order {
		if len(chosen) >= 4 || (len(chosen) >= 2 && words >= summaryWords) {
			break
		}
		n := len(sents[i].words)
		if len(chosen) >= 2 && words+n > summaryMaxWord {
			continue
		}
		if redundant(sents, chosen, i) {
			continue
		}
		chosen = append(chosen, i)
		words += n
	}
	sort.Ints(chosen)
	points := keyPoints(sents, chosen)
	if len(points) < 2 && len(chosen) > 2 {
		// Short article: give a summary sentence back to the key points.
		chosen = chosen[:len(chosen)-1]
		points = keyPoints(sents, chosen)
	}
	parts := make([]string, len(chosen))
	for k, i := range chosen {
		parts[k] = oneLine(sents[i].text)
	}
	return strings.Join(parts, " "), points
}

// score fills in score and salience for every sentence.
func score(a article, ents []news.Entity) {
	sents := a.sents
	doc := make([]int32, a.nkeys) // sentences containing each content key
	for _, s := range sents {
		for _, k := range s.keys {
			doc[k.id]++
		}
	}
	inTitle := make([]bool, a.nkeys)
	titleKeys := 0
	for _, w := range a.title {
		if w.cont && !inTitle[w.id] {
			inTitle[w.id] = true
			titleKeys++
		}
	}
	// Entity weight per sentence: from mentions when given, else from
	// recurring capitalised words.
	entW := make([]float64, len(sents))
	if len(ents) > 0 {
		for _, e := range ents {
			wt := math.Log1p(float64(max(e.Count, len(e.Mentions))))
			for _, m := range e.Mentions {
				// The last sentence starting at or before the mention.
				i := sort.Search(len(sents), func(i int) bool { return sents[i].span.Start > m.Start }) - 1
				if i >= 0 && m.End <= sents[i].span.End {
					entW[i] += wt
				}
			}
		}
	} else {
		capCount := make([]int32, a.nkeys)
		for _, s := range sents {
			for j, w := range s.words {
				if w.cap && j > 0 && !w.stop {
					capCount[w.id]++
				}
			}
		}
		for i, s := range sents {
			for j, w := range s.words {
				if w.cap && j > 0 && !w.stop && capCount[w.id] > 1 {
					entW[i] += math.Log1p(float64(capCount[w.id]))
				}
			}
		}
	}
	maxCent, maxEnt := 1e-9, 1e-9
	cent := make([]float64, len(sents))
	for i, s := range sents {
		sum, n := 0.0, 0
		for _, k := range s.keys {
			if d := doc[k.id]; d > 1 {
				sum += float64(k.n) * math.Log1p(float64(d-1))
			}
			n += int(k.n)
		}
		if n > 0 {
			cent[i] = sum / math.Sqrt(float64(n))
		}
		maxCent = max(maxCent, cent[i])
		maxEnt = max(maxEnt, entW[i])
	}
	for i := range sents {
		s := &sents[i]
		tl := 0.0
		if titleKeys > 0 {
			hit := 0
			for _, k := range s.keys {
				if inTitle[k.id] {
					hit++
				}
			}
			tl = float64(hit) / float64(titleKeys)
		}
		pos := 1 / math.Sqrt(float64(s.rank+1))
		nums := 0.0
		for _, w := range s.words {
			if w.num {
				nums++
			}
		}
		ent := entW[i] / maxEnt
		c := cent[i] / maxCent
		s.score = wPos*pos + wCent*c + wTitle*tl + wEnt*ent + wFig*math.Min(nums, 2)/2
		if n := float64(len(s.words)); n > longSent {
			s.score *= math.Pow(longSent/n, lenExp)
		}
		s.salience = 0.45*ent + 0.25*math.Min(nums, 3)/3 + 0.2*c + 0.1*pos
	}
}

// redundant reports whether sentence i repeats one already chosen.
func redundant(sents []sent, chosen []int, i int) bool {
	for _, j := range chosen {
		if jaccard(sents[i].keys, sents[j].keys) >= 0.5 {
			return true
		}
	}
	return false
}

// jaccard is the Jaccard similarity of two sentences' key sets.
func jaccard(a, b []keyCount) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// keyPoints picks 2–5 salient sentences outside the summary.
func keyPoints(sents []sent, summary []int) []string {
	in := make([]bool, len(sents))
	for _, i := range summary {
		in[i] = true
	}
	var pool []int
	for i, s := range sents {
		if s.pointable && !in[i] {
			pool = append(pool, i)
		}
	}
	ps := make([]float64, len(sents))
	for _, i := range pool {
		ps[i] = pointScore(&sents[i])
	}
	sort.SliceStable(pool, func(a, b int) bool { return ps[pool[a]] > ps[pool[b]] })
	want := min(maxKeyPoints, max(2, (len(pool)+2)/3))
	var chosen []int
	facts := make(map[int]string, want)
	for _, i := range pool {
		if len(chosen) == want {
			break
		}
		fact, ok := wholeFact(oneLine(sents[i].text), keyPointRunes)
		if !ok {
			continue
		}
		facts[i] = fact
		dup := false
		for _, j := range append(append([]int(nil), summary...), chosen...) {
			if jaccard(sents[i].keys, sents[j].keys) >= 0.5 {
				dup = true
				break
			}
		}
		if !dup {
			chosen = append(chosen, i)
		}
	}
	sort.Ints(chosen)
	out := make([]string, 0, len(chosen))
	for _, i := range chosen {
		out = append(out, facts[i])
	}
	return out
}

// wholeFact returns a key point made of sentence s: s itself when it fits
// limit runes, else s cut at a clause boundary into a sentence of its own
// that keeps the subject, the verb and the figure (the cut keeps at least
// minFactWords words, every number before the boundary and a balanced
// quotation). A sentence that cannot be cut so, or that is not a statement
// (a list lead-in ending in ':', an ellipsis, a question, a piece of a
// quotation the splitter cut), is no key point.
func wholeFact(s string, limit int) (string, bool) {
	s = strings.TrimLeft(s, "•·▪-–—* ")
	last, _ := utf8.DecodeLastRuneInString(s)
	if s == "" || strings.ContainsRune(":…?", last) || strings.HasSuffix(s, "...") || !balanced(s) {
		return "", false
	}
	if utf8.RuneCountInString(s) <= limit {
		return s, true
	}
	firstNum := strings.IndexFunc(s, unicode.IsDigit)
	best := -1
	for _, m := range factMarks {
		from := 0
		for {
			k := strings.Index(s[from:], m)
			if k < 0 {
				break
			}
			at := from + k
			from = at + len(m)
			head := s[:at]
			if utf8.RuneCountInString(head) > limit-1 {
				break
			}
			if at <= best || len(strings.Fields(head)) < minFactWords || (firstNum >= 0 && firstNum > at) || !balanced(head) {
				continue
			}
			best = at
		}
	}
	if best < 0 {
		return "", false
	}
	head := strings.TrimRight(tidyEnd(s[:best], false), " ,;:")
	if len(strings.Fields(head)) < minFactWords {
		return "", false
	}
	return head + ".", true
}

// minFactWords is the shortest clause kept as a key point.
const minFactWords = 8

// factMarks are the clause boundaries a long key point may be cut at: the
// clause after them adds detail to a fact already stated.
var factMarks = []string{
	"; ", ", which ", ", who ", ", while ", ", whereas ", ", but ", ", after ", ", as ", ", with ",
	", according to ", ", citing ", ", including ", ", bringing ", ", making ", ", adding ",
	", che ", ", mentre ", ", ma ", ", dopo ", ", con ", ", secondo ", ", portando ", ", facendo ",
	", per ", ", anche ", ", inclus", ", tra cui ", ", grazie ", " – ", " — ",
}

// balanced reports whether s closes every quotation and bracket it opens.
func balanced(s string) bool {
	var round, guil, curly, straight int
	for _, r := range s {
		switch r {
		case '(':
			round++
		case ')':
			round--
		case '«':
			guil++
		case '»':
			guil--
		case '“':
			curly++
		case '”':
			curly--
		case '"':
			straight++
		}
	}
	return round == 0 && guil == 0 && curly == 0 && straight%2 == 0
}

// pointScore prefers salient sentences of readable length.
func pointScore(s *sent) float64 {
	n := len(s.words)
	sc := s.salience
	if n > 40 || utf8.RuneCountInString(s.text) > keyPointRunes {
		sc *= 0.6
	}
	if n < 8 {
		sc *= 0.7
	}
	return sc
}

// oneLine folds internal line breaks and runs of spaces.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether strings.Fields would find s's words separated
// by single spaces, with none around them: then oneLine(s) is s.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' && s[i+1] == ' ' || c != ' ' && asciiSpace[c] {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// LeadSkip is Lead-n over the sentences Offline would consider for a
// summary: datelines, captions, headings and fragments are skipped. It is
// the fairer baseline for articles that open with metadata.
func LeadSkip(body, lang string, n int) string {
	var parts []string
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	for _, s := range analyse(sc, "", body, lang).sents {
		if len(parts) == n {
			break
		}
		if s.candidate {
			parts = append(parts, oneLine(s.text))
		}
	}
	return strings.Join(parts, " ")
}

// scratch holds the buffers of one Offline call, reused through
// scratchPool: allocating them afresh was most of Offline's garbage, and
// its collection a tenth of its CPU. Nothing in a Result points into them
// (word.lower points into a string copied from tokenizer.low).
type scratch struct {
	tk      tokenizer
	ends    []int
	count   []int32
	backing []keyCount
	ids     []int32
	terms   []kwTerm
	kwIndex map[string]int32
	cueBuf  []int32
	head    []word
}

var scratchPool = sync.Pool{New: func() any { return &scratch{kwIndex: map[string]int32{}} }}

// release empties the buffers, keeping their memory, and puts sc back in
// the pool. Buffers that grew past what a large article needs are dropped.
func (sc *scratch) release() {
	const maxWords = 1 << 14
	if cap(sc.tk.words) > maxWords {
		*sc = scratch{kwIndex: map[string]int32{}}
	} else {
		clear(sc.tk.words) // drop the references to the article's text
		clear(sc.head)
		sc.tk.words, sc.tk.lows, sc.tk.low, sc.tk.nkeys = sc.tk.words[:0], sc.tk.lows[:0], sc.tk.low[:0], 0
		clear(sc.tk.keyID)
		clear(sc.kwIndex)
		clear(sc.terms)
		sc.terms = sc.terms[:0]
	}
	scratchPool.Put(sc)
}
