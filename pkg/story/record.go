package story

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// maxSketched bounds how many members keep their vector and sketch in the
// stored state (the rest still count as members and sources).
const maxSketched = 16

// maxVectors bounds the member vectors a story record keeps; only those
// members keep their summary (a candidate for the story's brief).
const maxVectors = 4

// maxMembers bounds the members a story record lists (Story.Dropped counts
// the rest), so that a long-running story stays a bounded KV value.
const maxMembers = 40

// Build returns the story record after placing d as dec says: prev is the
// story as stored (nil when d opens it). It does not change prev or the
// index; the caller stores the result and then loads it (Index.Load).
func Build(prev *news.Story, d *Doc, dec Decision, now time.Time) *news.Story {
	s := &news.Story{}
	if prev != nil {
		*s = *prev
		s.Members = append([]news.StoryMember(nil), prev.Members...)
		s.Entities = append([]news.StoryEntity(nil), prev.Entities...)
		s.Amounts = append([]news.StoryAmount(nil), prev.Amounts...)
		s.State = cloneState(prev.State)
	} else {
		s.ID = dec.Placement.StoryID
		s.FirstSeen, s.LastSeen = d.Time, d.Time
		s.State = &news.StoryState{Centroid: map[string]float32{}, Sketches: map[string][]uint32{}, Vectors: map[string]map[string]float32{}}
		if dec.related != "" {
			s.Related = []string{dec.related}
		}
	}
	br := d.Brief
	p := dec.Placement
	if len(s.Members) >= maxMembers {
		// A story this long keeps its founder and its newest members.
		s.Dropped++
		s.Members = append(s.Members[:1:1], s.Members[2:]...)
	}
	s.Members = append(s.Members, news.StoryMember{
		ID: br.ID, Language: d.Lang, Title: br.Title, Headline: br.Headline, Summary: br.Summary,
		Source: sourceName(br), URL: br.Source.URL, PublishedAt: d.Time, DuplicateOf: p.DuplicateOf,
		Score: p.Evidence.Score, Matched: p.Evidence.Matched[:min(len(p.Evidence.Matched), 4)],
	})
	if d.Time.Before(s.FirstSeen) {
		s.FirstSeen = d.Time
	}
	if d.Time.After(s.LastSeen) {
		s.LastSeen = d.Time
	}
	// Centroid and the member's own state. Weights are kept to four
	// decimals (a shorter record; the index reads them back as stored). A
	// story of one article stores no vector for it: its centroid is it.
	if prev != nil && len(prev.Members) == 1 {
		if _, ok := s.State.Vectors[prev.Members[0].ID]; !ok {
			s.State.Vectors[prev.Members[0].ID] = prev.State.Centroid
		}
	}
	vec := map[string]float32{}
	for _, f := range dec.vec {
		name := dec.names[f.h]
		w := quantise(f.w)
		vec[name] = w
		s.State.Centroid[name] = quantise(s.State.Centroid[name] + w)
	}
	s.State.Centroid = heaviest(s.State.Centroid, maxCentroid)
	if prev != nil {
		s.State.Vectors[br.ID] = vec
	}
	s.State.Sketches[br.ID] = d.sketch
	// Keep the newest members' state: vectors (for centrality) of the
	// newest maxVectors, sketches (for syndication) of the newest
	// maxSketched, so that a story's record stays small to read and write.
	for i, m := range s.Members {
		if len(s.State.Vectors) <= maxVectors {
			break
		}
		if _, ok := s.State.Vectors[m.ID]; ok {
			delete(s.State.Vectors, m.ID)
			s.Members[i].Summary = ""
		}
	}
	for _, m := range s.Members {
		if len(s.State.Sketches) <= maxSketched {
			break
		}
		delete(s.State.Sketches, m.ID)
	}
	s.Languages, s.Sources = languages(s.Members), sources(s.Members)
	mergeEntities(s, d)
	mergeAmounts(s, d)
	s.Briefs = briefs(s)
	s.UpdatedAt = now.UTC()
	return s
}

func cloneState(st *news.StoryState) *news.StoryState {
	c := &news.StoryState{Centroid: map[string]float32{}, Sketches: map[string][]uint32{}, Vectors: map[string]map[string]float32{}}
	if st == nil {
		return c
	}
	for k, v := range st.Centroid {
		c.Centroid[k] = v
	}
	for k, v := range st.Sketches {
		c.Sketches[k] = v
	}
	for k, v := range st.Vectors {
		c.Vectors[k] = v
	}
	return c
}

func quantise(w float32) float32 { return float32(math.Round(float64(w)*1e4) / 1e4) }

// memberVector is a member's stored vector; a story of one article keeps
// none, its centroid being that vector.
func memberVector(s *news.Story, id string) map[string]float32 {
	if v, ok := s.State.Vectors[id]; ok {
		return v
	}
	if len(s.Members) == 1 && s.Members[0].ID == id {
		return s.State.Centroid
	}
	return nil
}

// heaviest keeps the n heaviest features (ties by name).
func heaviest(m map[string]float32, n int) map[string]float32 {
	if len(m) <= n {
		return m
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	out := make(map[string]float32, n)
	for _, k := range names[:n] {
		out[k] = m[k]
	}
	return out
}

// sourceName is the source's name, else its URL's host.
func sourceName(br news.Brief) string {
	if br.Source.Name != "" {
		return br.Source.Name
	}
	if u, err := url.Parse(br.Source.URL); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Host, "www.")
	}
	return ""
}

func languages(ms []news.StoryMember) []string {
	var out []string
	for _, m := range ms {
		if !contains(out, m.Language) {
			out = append(out, m.Language)
		}
	}
	sort.Strings(out)
	return out
}

// sources counts distinct sources; a copy is not a source, and an article
// without a source name counts as its own.
func sources(ms []news.StoryMember) int {
	seen := map[string]bool{}
	for _, m := range ms {
		if m.DuplicateOf != "" {
			continue
		}
		k := m.Source
		if k == "" {
			k = "article:" + m.ID
		}
		seen[k] = true
	}
	return len(seen)
}

func memberSources(src map[string]news.StoryMember, ids []string) int {
	var ms []news.StoryMember
	for _, id := range ids {
		if m, ok := src[id]; ok {
			ms = append(ms, m)
		}
	}
	return sources(ms)
}

const maxEntities = 40

// maxEntityMembers bounds the articles an entity lists (its sources are
// counted among them).
const maxEntityMembers = 16

func mergeEntities(s *news.Story, d *Doc) {
	at := map[string]int{}
	for i, e := range s.Entities {
		at[e.Key] = i
	}
	src := make(map[string]news.StoryMember, len(s.Members))
	for _, m := range s.Members {
		src[m.ID] = m
	}
	for _, e := range d.Brief.Entities {
		switch e.Type {
		case news.Money, news.Percent, news.Quantity, news.Date:
			continue
		}
		k := EntityKey(e)
		if k == "" {
			continue
		}
		i, ok := at[k]
		if !ok {
			s.Entities = append(s.Entities, news.StoryEntity{Key: k, ID: e.ID, Type: e.Type, Name: e.Name, Names: map[string]string{}})
			i = len(s.Entities) - 1
			at[k] = i
		}
		se := &s.Entities[i]
		se.Names = cloneNames(se.Names)
		for l, n := range e.Names {
			se.Names[l] = n
		}
		if _, ok := se.Names[d.Lang]; !ok {
			se.Names[d.Lang] = e.Name
		}
		se.Count += max(e.Count, 1)
		if !contains(se.Members, d.Brief.ID) && len(se.Members) < maxEntityMembers {
			se.Members = append(append([]string(nil), se.Members...), d.Brief.ID)
		}
		se.Sources = memberSources(src, se.Members)
	}
	sort.SliceStable(s.Entities, func(i, j int) bool {
		a, b := s.Entities[i], s.Entities[j]
		if a.Sources != b.Sources {
			return a.Sources > b.Sources
		}
		return a.Count > b.Count
	})
	if len(s.Entities) > maxEntities {
		s.Entities = s.Entities[:maxEntities]
	}
}

func cloneNames(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

const maxAmounts = 24

// mergeAmounts adds d's figures. A figure is its type, currency or unit,
// value and qualifier; figures of one type and currency within a factor of
// two share a Group, so "10bn" and "more than 10bn", or 2.1% and 2.3%,
// stand side by side.
func mergeAmounts(s *news.Story, d *Doc) {
	for _, e := range d.Brief.Entities {
		if e.Value == nil || (e.Type != news.Money && e.Type != news.Percent && e.Type != news.Quantity) {
			continue
		}
		unit := e.Currency
		if e.Type == news.Quantity {
			unit = e.Unit
		}
		text := e.Name
		if len(e.Mentions) > 0 {
			m := e.Mentions[0]
			if m.Start >= 0 && m.End <= len(d.Brief.Body) && m.Start < m.End {
				text = d.Brief.Body[m.Start:m.End]
			}
		}
		found := false
		for i := range s.Amounts {
			a := &s.Amounts[i]
			if a.Type == e.Type && a.Currency+a.Unit == unit && a.Value == *e.Value && a.Qualifier == e.Qualifier {
				if !contains(a.Members, d.Brief.ID) && len(a.Members) < maxEntityMembers {
					a.Members = append(append([]string(nil), a.Members...), d.Brief.ID)
				}
				found = true
				break
			}
		}
		if found || len(s.Amounts) >= maxAmounts {
			continue
		}
		group := ""
		for _, a := range s.Amounts {
			if a.Type == e.Type && a.Currency+a.Unit == unit && near(a.Value, *e.Value) {
				group = a.Group
				break
			}
		}
		if group == "" {
			group = strings.ToLower(e.Type) + ":" + unit + ":" + strconv.FormatFloat(*e.Value, 'g', 3, 64)
		}
		a := news.StoryAmount{Group: group, Type: e.Type, Value: *e.Value, Qualifier: e.Qualifier, Text: text, Members: []string{d.Brief.ID}}
		if e.Type == news.Quantity {
			a.Unit = unit
		} else {
			a.Currency = unit
		}
		s.Amounts = append(s.Amounts, a)
	}
	sort.SliceStable(s.Amounts, func(i, j int) bool { return s.Amounts[i].Group < s.Amounts[j].Group })
}

func near(a, b float64) bool {
	if a == 0 || b == 0 {
		return a == b
	}
	r := a / b
	return r >= 0.5 && r <= 2
}

// briefs picks, for each language, the member closest to the story's
// centroid among those that keep their vector (the newest; copies
// excluded, ties to the earliest) and uses its headline and summary: the
// most central sentences of the most central member. A language none of
// whose members keeps a vector keeps its brief.
func briefs(s *news.Story) map[string]news.StoryBrief {
	out := map[string]news.StoryBrief{}
	for l, b := range s.Briefs {
		out[l] = b
	}
	best := map[string]float64{}
	for _, m := range s.Members {
		v := memberVector(s, m.ID)
		if m.DuplicateOf != "" || v == nil {
			continue
		}
		c := centrality(v, s.State.Centroid)
		if b, ok := best[m.Language]; ok && c <= b {
			continue
		}
		best[m.Language] = c
		h := m.Headline
		if h == "" {
			h = m.Title
		}
		out[m.Language] = news.StoryBrief{Headline: h, Summary: m.Summary, From: m.ID, Method: "offline"}
	}
	return out
}

// centrality is the cosine of a member's vector and the centroid.
func centrality(v, c map[string]float32) float64 {
	var dot, nv, nc float64
	for k, w := range v {
		dot += float64(w) * float64(c[k])
		nv += float64(w) * float64(w)
	}
	for _, w := range c {
		nc += float64(w) * float64(w)
	}
	if nv == 0 || nc == 0 {
		return 0
	}
	return dot / math.Sqrt(nv*nc)
}
