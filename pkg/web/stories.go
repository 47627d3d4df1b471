package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// SetStories gives the pages the stories: the front page shows story
// cards above the briefs, a brief links to its story, and /stories/{id}
// shows one story.
func (wb *Web) SetStories(r gateway.StoryReader) {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	wb.stories = r
}

func (wb *Web) storyReader() gateway.StoryReader {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	return wb.stories
}

// storyCard is a story as the pages show it, in the reader's language.
type storyCard struct {
	ID        string
	Lang      string
	Headline  string
	Summary   string
	Sources   int
	Languages []string
	Members   []news.StoryMember
	Story     news.Story
}

// newStoryCard picks the brief in lang when the story has one, else in
// the first of prefer it has, else the first language in order.
func newStoryCard(s news.Story, prefer ...string) storyCard {
	c := storyCard{ID: s.ID, Sources: s.Sources, Languages: s.Languages, Members: s.Members, Story: s}
	langs := append(append([]string(nil), prefer...), s.Languages...)
	for _, l := range langs {
		if b, ok := s.Briefs[l]; ok {
			c.Lang, c.Headline, c.Summary = l, b.Headline, b.Summary
			break
		}
	}
	if c.Headline == "" && len(s.Members) > 0 {
		c.Lang, c.Headline = s.Members[0].Language, s.Members[0].Title
	}
	sort.SliceStable(c.Members, func(i, j int) bool { return c.Members[i].PublishedAt.Before(c.Members[j].PublishedAt) })
	return c
}

// readerLangs are the languages the reader asked for: the lang filter,
// then Accept-Language in order.
func readerLangs(r *http.Request, filter string) []string {
	var out []string
	if filter != "" {
		out = append(out, filter)
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag, _, _ = strings.Cut(tag, "-")
		if tag = strings.ToLower(tag); len(tag) == 2 {
			out = append(out, tag)
		}
	}
	return out
}

// homeStories lists the latest stories with more than one member for the
// front page, in the reader's language.
func (wb *Web) homeStories(r *http.Request, f gateway.Filter) []storyCard {
	sr := wb.storyReader()
	if sr == nil || f.Topic != "" || f.Query != "" {
		return nil
	}
	list, _, err := sr.Stories(gateway.StoryFilter{Lang: f.Lang, Entity: f.Entity}, 200, "")
	if err != nil {
		return nil
	}
	var out []storyCard
	for _, s := range list {
		if len(s.Members) < 2 {
			continue
		}
		out = append(out, newStoryCard(s, readerLangs(r, f.Lang)...))
		if len(out) == 10 {
			break
		}
	}
	return out
}

type storyData struct {
	Title string
	Card  storyCard
	// Briefs are the story's briefs, the reader's language first.
	Briefs []langBrief
}

type langBrief struct {
	Lang string
	news.StoryBrief
}

func (wb *Web) story(w http.ResponseWriter, r *http.Request) {
	sr := wb.storyReader()
	if sr == nil {
		wb.errorPage(w, http.StatusNotFound, "Stories are not enabled here.")
		return
	}
	s, ok := sr.Story(r.PathValue("id"))
	if !ok {
		wb.errorPage(w, http.StatusNotFound, "There is no story with this id (or it is older than the window).")
		return
	}
	c := newStoryCard(s, readerLangs(r, "")...)
	d := storyData{Title: c.Headline, Card: c}
	if b, ok := s.Briefs[c.Lang]; ok {
		d.Briefs = append(d.Briefs, langBrief{c.Lang, b})
	}
	for _, l := range s.Languages {
		if b, ok := s.Briefs[l]; ok && l != c.Lang {
			d.Briefs = append(d.Briefs, langBrief{l, b})
		}
	}
	wb.render(w, http.StatusOK, "story.html", d)
}

// storyOf is the card of the story a brief is in, if any.
func (wb *Web) storyOf(r *http.Request, id, lang string) *storyCard {
	sr := wb.storyReader()
	if sr == nil {
		return nil
	}
	sid, ok := sr.StoryOf(id)
	if !ok {
		return nil
	}
	s, ok := sr.Story(sid)
	if !ok {
		return nil
	}
	c := newStoryCard(s, append([]string{lang}, readerLangs(r, "")...)...)
	return &c
}
