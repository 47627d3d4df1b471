package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
)

// storyFeedList reads the stories a feed shows: lang and entity filters,
// the latest PageSize, only stories of several articles unless all=1.
func (wb *Web) storyFeedList(w http.ResponseWriter, r *http.Request) ([]storyCard, string, bool) {
	sr := wb.storyReader()
	if sr == nil {
		http.Error(w, "stories are not enabled here", http.StatusNotFound)
		return nil, "", false
	}
	q := r.URL.Query()
	f := gateway.StoryFilter{Lang: q.Get("lang"), Entity: q.Get("entity")}
	list, _, err := sr.Stories(f, 500, "")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, "", false
	}
	var out []storyCard
	for _, s := range list {
		if len(s.Members) < 2 && q.Get("all") != "1" {
			continue
		}
		out = append(out, newStoryCard(s, readerLangs(r, f.Lang)...))
		if len(out) == wb.cfg.PageSize {
			break
		}
	}
	title := "newsbrief stories"
	for _, p := range []string{f.Lang, f.Entity} {
		if p != "" {
			title += " · " + p
		}
	}
	return out, title, true
}

// storyHTML is a story's feed content: its brief and its members.
func storyHTML(c storyCard) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(c.Summary))
	fmt.Fprintf(&b, "<p>%d sources · %s</p><ul>", c.Sources, html.EscapeString(strings.Join(c.Languages, ", ")))
	for _, m := range c.Members {
		t := m.Headline
		if t == "" {
			t = m.Title
		}
		fmt.Fprintf(&b, "<li>[%s] %s", html.EscapeString(m.Language), html.EscapeString(t))
		if m.Source != "" {
			fmt.Fprintf(&b, " — %s", html.EscapeString(m.Source))
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ul>")
	return b.String()
}

// storyAtom serves an Atom feed of the latest stories (/stories.xml).
func (wb *Web) storyAtom(w http.ResponseWriter, r *http.Request) {
	list, title, ok := wb.storyFeedList(w, r)
	if !ok {
		return
	}
	base := wb.base(r)
	self := base + r.URL.RequestURI()
	feed := atomFeed{
		Title: title, ID: self, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links:  []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"}, {Href: base + "/", Rel: "alternate", Type: "text/html"}},
		Author: atomAuthor{Name: "newsbrief"},
	}
	for i, c := range list {
		updated := c.Story.UpdatedAt.UTC().Format(time.RFC3339)
		if i == 0 || c.Story.UpdatedAt.UTC().Format(time.RFC3339) > feed.Updated {
			feed.Updated = updated
		}
		feed.Entries = append(feed.Entries, atomEntry{
			Title: c.Headline, ID: "urn:newsbrief:story:" + c.ID, Updated: updated, Published: c.Story.FirstSeen.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Href: base + "/stories/" + c.ID, Rel: "alternate", Type: "text/html"}},
			Summary: c.Summary, Content: atomContent{Type: "html", Body: storyHTML(c)}, Lang: c.Lang,
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		wb.cfg.Log.Error("writing story atom feed", "err", err)
	}
}

// storyJSONFeed serves a JSON Feed 1.1 of the latest stories (/stories.json).
func (wb *Web) storyJSONFeed(w http.ResponseWriter, r *http.Request) {
	list, title, ok := wb.storyFeedList(w, r)
	if !ok {
		return
	}
	base := wb.base(r)
	feed := JSONFeed{Version: "https://jsonfeed.org/version/1.1", Title: title, HomePageURL: base + "/", FeedURL: base + r.URL.RequestURI(), Items: []JSONItem{}}
	for _, c := range list {
		feed.Items = append(feed.Items, JSONItem{
			ID: "story:" + c.ID, URL: base + "/stories/" + c.ID, Title: c.Headline, Summary: c.Summary,
			ContentHTML: storyHTML(c), ContentText: c.Summary,
			DatePublished: c.Story.FirstSeen.UTC().Format(time.RFC3339), DateModified: c.Story.UpdatedAt.UTC().Format(time.RFC3339),
			Language: c.Lang,
		})
	}
	w.Header().Set("Content-Type", "application/feed+json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(feed); err != nil {
		wb.cfg.Log.Error("writing story json feed", "err", err)
	}
}
