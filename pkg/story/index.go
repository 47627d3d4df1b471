// Package story groups briefs about one event, from any source and in any
// language, into stories: online clustering in the spirit of Miranda et al.
// 2018 ("Multilingual Clustering of Streaming News"), without machine
// translation.
//
// Each article becomes a Doc of weighted features in five groups (terms,
// cognates, entities, numbers and amounts, dates). An inverted index over
// the stories of a time window (default seven days of article time)
// proposes candidates; each is scored by the weighted cosine of every
// group against the story's centroid, times a time decay on the distance
// from the story's members. The best candidate is joined when its score
// reaches the bar, else the article opens a story. A story with no member
// in the article's language is compared on what survives translation:
// entity ids and names, numbers, amounts, dates and cognates, with their
// own weights and bar.
//
// Order matters, and only order: for one sequence of articles the result
// is always the same. The document frequencies behind the weights are
// counted over the articles seen so far in the window, a story's centroid
// is the sum of the members placed so far, and an article can only join a
// story that exists when it arrives, so two articles that each bridge to a
// third may end in one story or two depending on which comes first. The
// evaluation feeds articles in published order.
//
// The package knows nothing of NATS: Clusterer places articles against a
// Store (a KV bucket in production, a map in the evaluation) with
// compare-and-set, and the index can be rebuilt from the stored stories.
package story

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// Config tunes the clustering. The zero value of a field means its default.
type Config struct {
	// Window is how far back in article time stories stay candidates
	// (default 7 days).
	Window time.Duration
	// Tau is the time decay's scale: a story whose nearest member is Tau
	// away scores 1/e of its content similarity (default 36 hours).
	Tau time.Duration
	// Mono weighs the groups against a story with members in the
	// article's language; Cross against one without.
	Mono, Cross [nGroups]float64
	// Join and JoinCross are the bars; Thread the bar for linking a new
	// story to the best candidate as related.
	Join, JoinCross, Thread float64
	// Duplicate is the shingle containment from which a same-language
	// article is a copy (default 0.7).
	Duplicate float64
	// MaxCandidates bounds the stories scored per article (default 32).
	MaxCandidates int
	// Anchor is the least similarity on entities, numbers and dates
	// together for a join: words alone never join a story (default 0.05).
	Anchor float64
}

// DefaultConfig is the configuration measured in the README (eval stories).
var DefaultConfig = Config{
	Window:        7 * 24 * time.Hour,
	Tau:           72 * time.Hour,
	Mono:          [nGroups]float64{gTerm: 0.35, gCognate: 0.1, gEntity: 0.3, gNumber: 0.2, gDate: 0.05},
	Cross:         [nGroups]float64{gTerm: 0.3, gCognate: 0.3, gEntity: 0.2, gNumber: 0.15, gDate: 0.05},
	Join:          0.35,
	JoinCross:     0.15,
	Thread:        0.12,
	Duplicate:     0.7,
	MaxCandidates: 32,
	Anchor:        0.1,
}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	if c.Window > 0 {
		d.Window = c.Window
	}
	if c.Tau > 0 {
		d.Tau = c.Tau
	}
	if c.Mono != ([nGroups]float64{}) {
		d.Mono = c.Mono
	}
	if c.Cross != ([nGroups]float64{}) {
		d.Cross = c.Cross
	}
	if c.Join > 0 {
		d.Join = c.Join
	}
	if c.JoinCross > 0 {
		d.JoinCross = c.JoinCross
	}
	if c.Thread > 0 {
		d.Thread = c.Thread
	}
	if c.Duplicate > 0 {
		d.Duplicate = c.Duplicate
	}
	if c.MaxCandidates > 0 {
		d.MaxCandidates = c.MaxCandidates
	}
	if c.Anchor > 0 {
		d.Anchor = c.Anchor
	}
	return d
}

// maxPosting bounds a feature's posting list: a feature in more stories
// than this is no help in finding candidates, and the oldest half goes.
const maxPosting = 512

// maxCentroid bounds a story's centroid to its heaviest features.
const maxCentroid = 128

// entry is a story as the index holds it: what candidates and scores need.
type entry struct {
	id          string
	seq         int64 // creation order, for deterministic ties
	first, last time.Time
	langs       []string
	centroid    []feat // sorted by h
	norm        [nGroups]float64
	members     []member
	// total is how many members the story had when last loaded (listed
	// and dropped): members are appended, so the newer ones are the tail.
	total int
	dead  bool
	// epoch and hits are candidates' scratch.
	epoch uint64
	hits  float64
}

type member struct {
	id     string
	lang   string
	t      time.Time
	sketch []uint32
	keys   []uint64 // the kept features, for the document frequencies
}

// Index is the clustering state over the window. It is not safe for
// concurrent use; Clusterer serialises it.
type Index struct {
	cfg     Config
	stories map[string]*entry
	article map[string]string // article id → story id, within the window
	post    map[uint64][]*entry
	df      map[uint64]int32
	docs    int
	seq     int64
	epoch   uint64
	now     time.Time
	// evictAt is when the next eviction sweep is due (article time).
	evictAt time.Time
}

// NewIndex returns an empty index.
func NewIndex(cfg Config) *Index {
	return &Index{
		cfg:     cfg.withDefaults(),
		stories: map[string]*entry{},
		article: map[string]string{},
		post:    map[uint64][]*entry{},
		df:      map[uint64]int32{},
	}
}

// Config returns the index's configuration with defaults applied.
func (x *Index) Config() Config { return x.cfg }

// Len reports the stories and articles in the window.
func (x *Index) Len() (stories, articles int) { return len(x.stories), len(x.article) }

// StoryOf returns the story an article was placed in, if it is in the
// window.
func (x *Index) StoryOf(articleID string) (string, bool) {
	s, ok := x.article[articleID]
	return s, ok
}

// Decision is where an article goes and why.
type Decision struct {
	Placement news.Placement
	// vec and names are the article's weighted features.
	vec   []feat
	names map[uint64]string
	// score parts of the chosen story, for the record.
	related string
}

type scored struct {
	e     *entry
	score float64
	parts [nGroups]float64
	decay float64
	gap   time.Duration
	cross bool
}

// Decide places d without changing the index.
func (x *Index) Decide(d *Doc) Decision {
	vec, names := x.vector(d)
	dec := Decision{vec: vec, names: names}
	p := &dec.Placement
	p.ArticleID, p.Language = d.Brief.ID, d.Lang
	cands := x.candidates(vec, d.Time)
	p.Evidence.Candidates = len(cands)
	var best *scored
	all := make([]scored, 0, len(cands))
	for _, e := range cands {
		s := x.score(vec, e, d)
		all = append(all, s)
		if best == nil || s.score > best.score || s.score == best.score && s.e.seq < best.e.seq {
			b := s
			best = &b
		}
	}
	// Syndication: a same-language copy of a member of a close candidate.
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var dupOf *entry
	dupC := 0.0
	for i := 0; i < len(all) && i < 5; i++ {
		for _, m := range all[i].e.members {
			if m.lang != d.Lang || len(m.sketch) < minSketch || len(d.sketch) < minSketch {
				continue
			}
			if c := containment(d.sketch, m.sketch); c >= x.cfg.Duplicate && c > dupC {
				dupC, dupOf, p.DuplicateOf = c, all[i].e, m.id
			}
		}
	}
	if dupOf != nil {
		for _, s := range all {
			if s.e == dupOf {
				b := s
				best = &b
			}
		}
		p.StoryID = dupOf.id
		p.Evidence.Decision = "duplicate"
		p.Evidence.Containment = round(dupC)
		x.explain(&dec, best)
		return dec
	}
	bar := x.cfg.Join
	if best != nil && best.cross {
		bar = x.cfg.JoinCross
	}
	if best != nil && best.score >= bar && best.anchor() >= x.cfg.Anchor {
		p.StoryID = best.e.id
		p.Evidence.Decision = "joined"
		x.explain(&dec, best)
		return dec
	}
	p.New = true
	p.StoryID = StoryID(d.Brief.ID)
	p.Evidence.Decision = "opened"
	if best != nil {
		p.Evidence.Best = best.e.id
		x.explain(&dec, best)
		if best.score >= x.cfg.Thread {
			dec.related = best.e.id
		}
	}
	return dec
}

// anchor is the similarity on what names the event: entities, numbers,
// amounts and dates.
func (s *scored) anchor() float64 { return s.parts[gEntity] + s.parts[gNumber] + s.parts[gDate] }

// StoryID is the id of the story an article opens: derived from the
// article's id, so that every replica and every redelivery agrees.
func StoryID(articleID string) string { return "st-" + articleID }

func (x *Index) explain(dec *Decision, s *scored) {
	if s == nil {
		return
	}
	ev := &dec.Placement.Evidence
	ev.Score, ev.GapHours, ev.CrossLingual = round(s.score), round(s.gap.Hours()), s.cross
	ev.Threshold = x.cfg.Join
	if s.cross {
		ev.Threshold = x.cfg.JoinCross
	}
	ev.Parts = map[string]float64{"time": round(s.decay)}
	for g := 0; g < nGroups; g++ {
		if s.parts[g] > 0 {
			ev.Parts[groupNames[g]] = round(s.parts[g])
		}
	}
	// The shared features that weighed most.
	type m struct {
		name string
		w    float64
	}
	var ms []m
	w := x.cfg.Mono
	if s.cross {
		w = x.cfg.Cross
	}
	forShared(dec.vec, s.e.centroid, func(a, b feat) {
		ms = append(ms, m{dec.names[a.h], w[a.g] * float64(a.w) * float64(b.w) / s.e.norm[a.g]})
	})
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].w != ms[j].w {
			return ms[i].w > ms[j].w
		}
		return ms[i].name < ms[j].name
	})
	for i := 0; i < len(ms) && i < 8; i++ {
		ev.Matched = append(ev.Matched, ms[i].name)
	}
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

// minSketch is the least sample (about 25 words) a copy is judged on.
const minSketch = 6

// maxQuery is how many of an article's heaviest indexed features look up
// candidates.
const maxQuery = 24

// candidates returns the live stories sharing an indexed feature with vec,
// the most promising first, at most MaxCandidates. Posting lists are
// bounded (maxPosting), so this is at most maxQuery × maxPosting steps.
func (x *Index) candidates(vec []feat, t time.Time) []*entry {
	q := make([]feat, 0, len(vec))
	for _, f := range vec {
		if indexed(f) {
			q = append(q, f)
		}
	}
	sort.Slice(q, func(i, j int) bool {
		if q[i].w != q[j].w {
			return q[i].w > q[j].w
		}
		return q[i].h < q[j].h
	})
	if len(q) > maxQuery {
		q = q[:maxQuery]
	}
	x.epoch++
	var touched []*entry
	for _, f := range q {
		for _, e := range x.post[f.h] {
			if e.dead {
				continue
			}
			if e.epoch != x.epoch {
				e.epoch, e.hits = x.epoch, 0
				touched = append(touched, e)
			}
			e.hits += float64(f.w)
		}
	}
	better := func(a, b *entry) bool {
		if a.hits != b.hits {
			return a.hits > b.hits
		}
		return a.seq < b.seq
	}
	// The best MaxCandidates by insertion: the list is short.
	out := make([]*entry, 0, x.cfg.MaxCandidates+1)
	for _, e := range touched {
		if !x.inWindow(e, t) {
			continue
		}
		if len(out) == x.cfg.MaxCandidates && !better(e, out[len(out)-1]) {
			continue
		}
		i := sort.Search(len(out), func(i int) bool { return better(e, out[i]) })
		out = append(out, nil)
		copy(out[i+1:], out[i:])
		out[i] = e
		if len(out) > x.cfg.MaxCandidates {
			out = out[:x.cfg.MaxCandidates]
		}
	}
	return out
}

// indexed says which features go into the inverted index: entities,
// numbers and dates always, terms and cognates when they weigh enough to
// be among what the article is about.
func indexed(f feat) bool {
	switch f.g {
	case gEntity, gNumber, gDate:
		return true
	}
	return f.w >= 0.12
}

func (x *Index) inWindow(e *entry, t time.Time) bool {
	return !t.Before(e.first.Add(-x.cfg.Window)) && !t.After(e.last.Add(x.cfg.Window))
}

func (x *Index) score(vec []feat, e *entry, d *Doc) scored {
	s := scored{e: e, cross: !contains(e.langs, d.Lang)}
	w := x.cfg.Mono
	if s.cross {
		w = x.cfg.Cross
	}
	forShared(vec, e.centroid, func(a, b feat) {
		s.parts[a.g] += float64(a.w) * float64(b.w) / e.norm[a.g]
	})
	var sum, tot float64
	for g := 0; g < nGroups; g++ {
		sum += w[g] * s.parts[g]
		tot += w[g]
	}
	switch {
	case d.Time.Before(e.first):
		s.gap = e.first.Sub(d.Time)
	case d.Time.After(e.last):
		s.gap = d.Time.Sub(e.last)
	}
	s.decay = math.Exp(-s.gap.Hours() / x.cfg.Tau.Hours())
	s.score = sum / tot * s.decay
	return s
}

// forShared calls fn for every feature in both sorted vectors.
func forShared(a, b []feat, fn func(a, b feat)) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].h < b[j].h:
			i++
		case a[i].h > b[j].h:
			j++
		default:
			fn(a[i], b[j])
			i++
			j++
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Load installs a stored story in the index, or updates it: members the
// index has not seen are counted into the document frequencies, the
// centroid is replaced. Loading the same story twice changes nothing, so
// the worker can load what it wrote and what the bucket's watch brings.
// Stories older than the window are not loaded.
func (x *Index) Load(s *news.Story) {
	if s == nil || s.State == nil {
		return
	}
	e := x.stories[s.ID]
	if e != nil && len(s.Members)+s.Dropped <= e.total {
		return // this version or a newer one is loaded already
	}
	if e == nil {
		if !x.now.IsZero() && s.LastSeen.Before(x.now.Add(-x.cfg.Window)) {
			return
		}
		x.seq++
		e = &entry{id: s.ID, seq: x.seq}
		x.stories[s.ID] = e
	}
	total := len(s.Members) + s.Dropped
	fresh := min(max(total-e.total, 0), len(s.Members))
	e.total = max(e.total, total)
	for _, m := range s.Members[len(s.Members)-fresh:] {
		mm := member{id: m.ID, lang: m.Language, t: m.PublishedAt, sketch: s.State.Sketches[m.ID]}
		for name := range memberVector(s, m.ID) {
			h := keyOf(name)
			mm.keys = append(mm.keys, h)
			x.df[h]++
		}
		x.docs++
		e.members = append(e.members, mm)
		if len(e.members) > maxIndexed {
			// A long story keeps its newest members for syndication;
			// the oldest leave the document frequencies.
			x.drop(e.members[0])
			e.members = append(e.members[:0], e.members[1:]...)
		}
		x.article[m.ID] = s.ID
		if m.PublishedAt.After(x.now) {
			x.now = m.PublishedAt
		}
	}
	e.first, e.last, e.langs = s.FirstSeen, s.LastSeen, append([]string(nil), s.Languages...)
	old := map[uint64]bool{}
	for _, f := range e.centroid {
		old[f.h] = true
	}
	e.centroid = e.centroid[:0]
	e.norm = [nGroups]float64{}
	names := make([]string, 0, len(s.State.Centroid))
	for name := range s.State.Centroid {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w := s.State.Centroid[name]
		g, ok := groupOf(name)
		if !ok {
			continue
		}
		f := feat{h: keyOf(name), w: w, g: uint8(g)}
		e.centroid = append(e.centroid, f)
		e.norm[g] += float64(w) * float64(w)
		if !old[f.h] && indexed(f) {
			x.addPosting(f.h, e)
		}
	}
	for g := range e.norm {
		e.norm[g] = math.Sqrt(e.norm[g])
		if e.norm[g] == 0 {
			e.norm[g] = 1
		}
	}
	sortFeats(e.centroid)
	x.evict()
}

func (x *Index) addPosting(h uint64, e *entry) {
	p := x.post[h]
	if len(p) >= maxPosting {
		// Drop the dead and the oldest half.
		live := p[:0]
		for _, o := range p {
			if !o.dead {
				live = append(live, o)
			}
		}
		if len(live) >= maxPosting {
			live = append(live[:0], live[len(live)/2:]...)
		}
		p = live
	}
	x.post[h] = append(p, e)
}

// evict drops the stories whose last member left the window, with their
// members' document frequencies; posting lists are swept as they fill
// and, for all features, once per window fraction.
func (x *Index) evict() {
	if x.now.Before(x.evictAt) {
		return
	}
	x.evictAt = x.now.Add(x.cfg.Window / 8)
	cut := x.now.Add(-x.cfg.Window)
	for id, e := range x.stories {
		if !e.last.Before(cut) {
			continue
		}
		e.dead = true
		delete(x.stories, id)
		for _, m := range e.members {
			x.drop(m)
		}
	}
	for h, p := range x.post {
		live := p[:0]
		for _, e := range p {
			if !e.dead {
				live = append(live, e)
			}
		}
		if len(live) == 0 {
			delete(x.post, h)
		} else {
			x.post[h] = live
		}
	}
}

// maxIndexed bounds the members the index keeps per story.
const maxIndexed = 64

// drop removes a member from the article map and the frequencies.
func (x *Index) drop(m member) {
	delete(x.article, m.id)
	for _, h := range m.keys {
		if x.df[h]--; x.df[h] <= 0 {
			delete(x.df, h)
		}
	}
	x.docs--
}

func groupOf(name string) (int, bool) {
	i := strings.IndexByte(name, ':')
	if i < 0 {
		return 0, false
	}
	for g, n := range groupNames {
		if n == name[:i] {
			return g, true
		}
	}
	return 0, false
}

// keyOf hashes a "group:name" feature as key does.
func keyOf(name string) uint64 {
	g, _ := groupOf(name)
	return key(g, name[strings.IndexByte(name, ':')+1:])
}

// Weights is one mix of group weights.
type Weights struct{ Mono, Cross [nGroups]float64 }

// WeightMixes are the mixes eval stories --tune tries.
var WeightMixes = []Weights{
	{Mono: DefaultConfig.Mono, Cross: DefaultConfig.Cross},
	{Mono: [nGroups]float64{0.45, 0.1, 0.25, 0.15, 0.05}, Cross: [nGroups]float64{0.25, 0.2, 0.3, 0.2, 0.05}},
	{Mono: [nGroups]float64{0.6, 0.05, 0.2, 0.1, 0.05}, Cross: [nGroups]float64{0.2, 0.2, 0.35, 0.2, 0.05}},
	{Mono: [nGroups]float64{0.35, 0.1, 0.3, 0.2, 0.05}, Cross: [nGroups]float64{0.3, 0.3, 0.2, 0.15, 0.05}},
}
