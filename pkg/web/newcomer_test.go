package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/pipeline"
	"github.com/newsbrief/newsbrief/pkg/readmodel/rmtest"
)

// Issue #18 item 12: the Atom feed has <published> from the article,
// <updated> from the brief and HTML content (escaped) with the headline,
// summary, key points and entities; the JSON Feed carries the same as
// content_html. Read with a real feed parser.
func TestFeedsForReaders(t *testing.T) {
	idx := rmtest.Model(t)
	pub := time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC)
	made := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	v := 4.5e8
	br := news.Brief{
		ID: "c0ffee", Language: news.Language{Code: "en", Confidence: 1}, Headline: "Battery plant opens " + evil,
		Summary: "A factory near Valencia <b>opened</b>.", KeyPoints: []string{"It cost 450 million euros.", "Point & two"},
		Topics: []string{"energy"}, CreatedAt: made, Source: news.Source{PublishedAt: &pub},
		Entities: []news.Entity{
			{Name: "Valencia", Type: news.Location, Count: 1},
			{Name: "450 million euros", Type: news.Money, Value: &v, Currency: "EUR", Count: 1},
			{Name: "2027", Type: news.Date, ISO: "2027", Count: 1},
		},
	}
	mustAdd(t, idx, br, false)
	wb, err := New(Config{Index: idx, Store: fakeStore{}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	wb.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	_, _, xmlBody := get(t, srv.URL+"/feed.xml")
	af, err := (&atom.Parser{}).Parse(strings.NewReader(xmlBody))
	if err != nil || len(af.Entries) != 1 {
		t.Fatalf("Atom: %v, %d entries\n%s", err, len(af.Entries), xmlBody)
	}
	e := af.Entries[0]
	if e.PublishedParsed == nil || !e.PublishedParsed.Equal(pub) {
		t.Errorf("Atom <published> = %q, want the article's date %s", e.Published, pub)
	}
	if e.UpdatedParsed == nil || !e.UpdatedParsed.Equal(made) {
		t.Errorf("Atom <updated> = %q, want the brief's time %s", e.Updated, made)
	}
	if e.Content == nil || e.Content.Type != "html" {
		t.Fatalf("Atom content = %+v, want type html", e.Content)
	}
	checkEntryHTML(t, "Atom", e.Content.Value)
	if strings.Contains(xmlBody, "[en 1.00]") || strings.Contains(xmlBody, "method=") {
		t.Error("Atom content is still the terminal rendering")
	}

	_, _, jsonBody := get(t, srv.URL+"/feed.json")
	jf, err := gofeed.NewParser().ParseString(jsonBody)
	if err != nil || jf.FeedType != "json" || len(jf.Items) != 1 {
		t.Fatalf("JSON Feed: %v, type %q, %d items", err, jf.FeedType, len(jf.Items))
	}
	it := jf.Items[0]
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(pub) || it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(made) {
		t.Errorf("JSON Feed dates: published %v, modified %v; want %s and %s", it.PublishedParsed, it.UpdatedParsed, pub, made)
	}
	checkEntryHTML(t, "JSON Feed", it.Content)
}

func checkEntryHTML(t *testing.T, feed, content string) {
	t.Helper()
	for _, want := range []string{"<h2>Battery plant opens &lt;script&gt;", "A factory near Valencia &lt;b&gt;opened&lt;/b&gt;.", "<li>It cost 450 million euros.</li>", "<li>Point &amp; two</li>",
		"<strong>LOCATION</strong>: Valencia", "450 million euros (450m EUR)", "<strong>DATE</strong>: 2027</p>", "2025-11-18"} {
		if !strings.Contains(content, want) {
			t.Errorf("%s content lacks %q:\n%s", feed, want, content)
		}
	}
	if strings.Contains(content, evil) {
		t.Errorf("%s content carries the article's markup unescaped", feed)
	}
}

// Issue #18 item 13: the card shows the article's publication date when it
// has one, and a value equal to its text once ("2027", not "2027 (2027)").
func TestCardShowsPublicationDate(t *testing.T) {
	_, idx, srv := newTestWeb(t)
	pub := time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC)
	mustAdd(t, idx, news.Brief{ID: "dated", Language: news.Language{Code: "en"}, Headline: "Dated", CreatedAt: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC),
		Source:   news.Source{PublishedAt: &pub},
		Entities: []news.Entity{{Name: "2008", Type: news.Date, ISO: "2008", Count: 1}}}, false)
	_, _, page := get(t, srv.URL+"/?q=dated")
	if !strings.Contains(page, `<time class="published" datetime="2025-11-18" title="published">2025-11-18</time>`) {
		t.Errorf("the card does not show the publication date:\n%s", page)
	}
	if strings.Contains(page, "2026-06-01") {
		t.Error("the card shows the brief's creation time instead of the publication date")
	}
	if strings.Contains(page, "2008 (2008)") || !strings.Contains(page, ">2008</a>") {
		t.Error(`the DATE chip shows "2008 (2008)"`)
	}
}

// Issue #18 item 13: the submit form posted without JavaScript gets an HTML
// answer: a redirect to the article's status page, or an error page.
func TestFormWithoutJavaScript(t *testing.T) {
	var got []pipeline.Raw
	submit := func(_ context.Context, r pipeline.Raw) (string, error) {
		got = append(got, r)
		if strings.Contains(string(r.Data), "broken") {
			return "", errors.New("ingest: too little text")
		}
		return "abc123", nil
	}
	st := fakeStore{status: map[string]news.Status{"abc123": {ID: "abc123", Status: news.StatusPending}}}
	for _, tc := range []struct {
		name, token string
		form        url.Values
		code        int
		loc, want   string
	}{
		{"text", "", url.Values{"text": {"Un articolo."}, "title": {"Titolo"}, "language": {"it"}}, 303, "/articles/abc123", ""},
		{"url", "", url.Values{"text": {"https://example.com/a"}}, 303, "/articles/abc123", ""},
		{"empty", "", url.Values{"text": {"  "}}, 400, "", "Paste some text"},
		{"refused", "", url.Values{"text": {"broken"}}, 400, "", "too little text"},
		{"no token", "s3cret", url.Values{"text": {"x"}}, 401, "", "API token"},
		{"token", "s3cret", url.Values{"text": {"Un articolo."}, "token": {"s3cret"}}, 303, "/articles/abc123", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb, err := New(Config{Index: rmtest.Model(t), Store: st, Submit: submit, APIToken: tc.token})
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			wb.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.PostForm(srv.URL+"/submit", tc.form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body := new(strings.Builder)
			_, _ = fmt.Fprint(body, readAll(resp))
			if resp.StatusCode != tc.code || resp.Header.Get("Location") != tc.loc {
				t.Errorf("POST /submit: %d Location %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), tc.code, tc.loc)
			}
			if tc.code != 303 && (!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body.String(), tc.want)) {
				t.Errorf("error answer %q %q, want an HTML page saying %q", resp.Header.Get("Content-Type"), body, tc.want)
			}
		})
	}
	if len(got) == 0 || !strings.Contains(string(got[0].Data), `"title":"Titolo"`) || !strings.Contains(string(got[1].Data), `"url":"https://example.com/a"`) {
		t.Errorf("submissions = %q", got)
	}
	_, _, srv := newTestWeb(t)
	if _, _, page := get(t, srv.URL+"/"); !strings.Contains(page, `action="/submit"`) {
		t.Error(`the page's form does not post to /submit`)
	}
}

func readAll(resp *http.Response) string {
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

// Issue #18 item 13: entity chips have distinct colours that meet WCAG AA,
// in the light and the dark theme, computed from the stylesheet: text on
// every chip ≥ 4.5:1, every chip's edge ≥ 3:1 against the card (WCAG
// 1.4.11), and every two types' edges far apart (CIE76 ΔE ≥ 15) and tints
// apart (ΔE ≥ 5).
func TestChipPalette(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	light, dark, ok := strings.Cut(string(css), "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("style.css has no dark theme block")
	}
	types := []string{news.Person, news.Org, news.Location, news.Product, news.Event, news.Money, news.Percent, news.Quantity, news.Date}
	lightVars := cssVars(light)
	for theme, vars := range map[string]map[string]string{"light": lightVars, "dark": merge(lightVars, cssVars(dark))} {
		fg, card := vars["fg"], vars["card"]
		for _, ty := range types {
			bg, line := vars[ty], vars[ty+"-line"]
			if bg == "" || line == "" {
				t.Errorf("%s: --%s or --%s-line is missing", theme, ty, ty)
				continue
			}
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("%s: text on a %s chip has contrast %.2f:1, want ≥ 4.5", theme, ty, r)
			}
			if r := contrast(line, card); r < 3 {
				t.Errorf("%s: the %s chip's edge has contrast %.2f:1 against the card, want ≥ 3", theme, ty, r)
			}
		}
		for i, a := range types {
			for _, b := range types[i+1:] {
				if d := deltaE(vars[a+"-line"], vars[b+"-line"]); d < 15 {
					t.Errorf("%s: %s and %s edges are alike (ΔE %.1f)", theme, a, b, d)
				}
				if d := deltaE(vars[a], vars[b]); d < 5 {
					t.Errorf("%s: %s and %s tints are alike (ΔE %.1f)", theme, a, b, d)
				}
			}
		}
	}
	for _, ty := range types {
		if !strings.Contains(string(css), ".t-"+ty+" { background: var(--"+ty+"); border-color: var(--"+ty+"-line); }") {
			t.Errorf("style.css does not use --%s and --%s-line for .t-%s", ty, ty, ty)
		}
	}
}

var cssVar = regexp.MustCompile(`--([A-Za-z-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b`)

func cssVars(css string) map[string]string {
	m := map[string]string{}
	for _, v := range cssVar.FindAllStringSubmatch(css, -1) {
		h := strings.ToLower(v[2])
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		m[v[1]] = "#" + h
	}
	return m
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

func rgb(hex string) [3]float64 {
	var c [3]float64
	for i := range c {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		v := float64(n) / 255
		if v <= 0.04045 {
			c[i] = v / 12.92
		} else {
			c[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return c
}

// contrast is the WCAG 2 contrast ratio of two sRGB colours.
func contrast(a, b string) float64 {
	lum := func(h string) float64 { c := rgb(h); return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2] }
	x, y := lum(a), lum(b)
	return (max(x, y) + 0.05) / (min(x, y) + 0.05)
}

// deltaE is the CIE76 distance of two sRGB colours in CIELAB (D65).
func deltaE(a, b string) float64 {
	lab := func(h string) [3]float64 {
		c := rgb(h)
		x := (0.4124*c[0] + 0.3576*c[1] + 0.1805*c[2]) / 0.95047
		y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
		z := (0.0193*c[0] + 0.1192*c[1] + 0.9505*c[2]) / 1.08883
		f := func(t float64) float64 {
			if t > 0.008856 {
				return math.Cbrt(t)
			}
			return 7.787*t + 16.0/116
		}
		return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
	}
	p, q := lab(a), lab(b)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}
