package web

import (
	"encoding/json"
	"encoding/xml"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/readmodel"
	"github.com/newsbrief/newsbrief/pkg/render"
)

// feedSize is how many briefs a feed carries.
const feedSize = 50

func (wb *Web) feedBriefs(w http.ResponseWriter, r *http.Request) ([]news.Brief, gateway.Filter, bool) {
	f, err := gateway.FilterFromQuery(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, f, false
	}
	list, _, err := wb.cfg.Index.List(r.Context(), readmodel.Query{Filter: f, Limit: feedSize})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, f, false
	}
	return list, f, true
}

// base is the absolute URL of the site, without a trailing slash.
func (wb *Web) base(r *http.Request) string {
	if wb.cfg.PublicURL != "" {
		return strings.TrimRight(wb.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func feedTitle(f gateway.Filter) string {
	parts := []string{"newsbrief"}
	for _, p := range []string{f.Lang, f.Topic, f.Entity, f.Query} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Summary    string         `xml:"summary"`
	Content    atomContent    `xml:"content"`
	Categories []atomCategory `xml:"category"`
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atom serves an Atom 1.0 feed of the latest briefs.
func (wb *Web) atom(w http.ResponseWriter, r *http.Request) {
	list, f, ok := wb.feedBriefs(w, r)
	if !ok {
		return
	}
	base := wb.base(r)
	self := base + r.URL.RequestURI()
	feed := atomFeed{
		Title: feedTitle(f), ID: self, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links:  []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"}, {Href: base + "/", Rel: "alternate", Type: "text/html"}},
		Author: atomAuthor{Name: "newsbrief"},
	}
	if len(list) > 0 {
		feed.Updated = list[0].CreatedAt.UTC().Format(time.RFC3339)
	}
	for _, br := range list {
		// <updated> is when the brief was made (or remade); <published>
		// when the article was: its own date, else when we received it.
		// The content is HTML, escaped by the XML encoder as Atom wants.
		e := atomEntry{
			Title: br.Headline, ID: "urn:newsbrief:" + br.ID, Updated: br.CreatedAt.UTC().Format(time.RFC3339),
			Published: published(br),
			Links:     []atomLink{{Href: base + "/briefs/" + br.ID, Rel: "alternate", Type: "text/html"}},
			Summary:   br.Summary, Content: atomContent{Type: "html", Body: briefHTML(br)}, Lang: br.Language.Code,
		}
		if u := render.SafeURL(br.Source.URL); u != "" {
			e.Links = append(e.Links, atomLink{Href: u, Rel: "via"})
		}
		for _, t := range br.Topics {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		feed.Entries = append(feed.Entries, e)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		wb.cfg.Log.Error("writing atom feed", "err", err)
	}
}

// JSONFeed is a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).
type JSONFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Items       []JSONItem `json:"items"`
}

// JSONItem is one brief in a JSON Feed.
type JSONItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	ExternalURL   string   `json:"external_url,omitempty"`
	Title         string   `json:"title"`
	Summary       string   `json:"summary"`
	ContentHTML   string   `json:"content_html"`
	ContentText   string   `json:"content_text"`
	DatePublished string   `json:"date_published,omitempty"`
	DateModified  string   `json:"date_modified"`
	Tags          []string `json:"tags,omitempty"`
	Language      string   `json:"language,omitempty"`
}

func (wb *Web) jsonFeed(w http.ResponseWriter, r *http.Request) {
	list, f, ok := wb.feedBriefs(w, r)
	if !ok {
		return
	}
	base := wb.base(r)
	feed := JSONFeed{Version: "https://jsonfeed.org/version/1.1", Title: feedTitle(f), HomePageURL: base + "/", FeedURL: base + r.URL.RequestURI(), Items: []JSONItem{}}
	for _, br := range list {
		feed.Items = append(feed.Items, JSONItem{
			ID: br.ID, URL: base + "/briefs/" + br.ID, ExternalURL: render.SafeURL(br.Source.URL), Title: br.Headline,
			Summary: br.Summary, ContentHTML: briefHTML(br), ContentText: render.Text(br),
			DatePublished: published(br), DateModified: br.CreatedAt.UTC().Format(time.RFC3339),
			Tags: br.Topics, Language: br.Language.Code,
		})
	}
	w.Header().Set("Content-Type", "application/feed+json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(feed); err != nil {
		wb.cfg.Log.Error("writing json feed", "err", err)
	}
}

// published is when the article was published, for feeds: its own date,
// else when it was submitted, else "" (left out).
func published(br news.Brief) string {
	switch {
	case br.Source.PublishedAt != nil:
		return br.Source.PublishedAt.UTC().Format(time.RFC3339)
	case br.SubmittedAt != nil:
		return br.SubmittedAt.UTC().Format(time.RFC3339)
	}
	return ""
}

// entryHTML is a brief as a feed reader shows it. html/template escapes the
// article's text; the feed encoders escape the result once more, as Atom's
// type="html" and JSON Feed's content_html expect.
var entryHTML = template.Must(template.New("entry").Parse(
	`<h2>{{.Headline}}</h2>
<p>{{.Summary}}</p>
{{- if .KeyPoints}}
<ul>{{range .KeyPoints}}
<li>{{.}}</li>{{end}}
</ul>{{end}}
{{- if .Groups}}
<p>{{range $i, $g := .Groups}}{{if $i}}<br>{{end}}<strong>{{$g.Type}}</strong>: {{range $j, $n := $g.Names}}{{if $j}}, {{end}}{{$n}}{{end}}{{end}}</p>{{end}}
<p><small>{{.Language}}{{if .Published}} · {{.Published}}{{end}}{{if .Topics}} · {{.Topics}}{{end}}</small></p>
`))

func briefHTML(br news.Brief) string {
	var b strings.Builder
	data := struct {
		Headline, Summary, Language, Published, Topics string
		KeyPoints                                      []string
		Groups                                         []render.Group
	}{
		Headline: br.Headline, Summary: br.Summary, Language: br.Language.Code,
		Topics: strings.Join(br.Topics, ", "), KeyPoints: br.KeyPoints, Groups: render.Groups(br.Entities),
	}
	if br.Source.PublishedAt != nil {
		data.Published = br.Source.PublishedAt.UTC().Format("2006-01-02")
	}
	if err := entryHTML.Execute(&b, data); err != nil {
		return template.HTMLEscapeString(render.Text(br))
	}
	return b.String()
}
