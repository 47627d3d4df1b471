package ingest

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"github.com/newsbrief/newsbrief/pkg/news"
	"golang.org/x/text/unicode/norm"
)

// MaxTitleLine is the longest first line, in characters, that Normalise takes
// as the title of a text submitted without one.
const MaxTitleLine = 150

// Normalise turns a Submission into an Article ready for language detection.
//
//   - HTML (s.HTML) is reduced to its main text with go-readability; the
//     page's title, publication time, site name and lang attribute fill the
//     Title, PublishedAt, Source and LanguageHint the submission left empty.
//     A page with no article text is ErrEmpty.
//   - Text is put in Unicode NFC; runs of spaces, tabs and other blanks inside
//     a line become one space; control and zero-width characters go;
//     paragraphs are separated by exactly one blank line ("\n\n"). A line is
//     joined to the previous one only when it looks hard-wrapped (it starts
//     with a lower-case letter and the previous line does not end a
//     sentence), so short section headings stay paragraphs of their own.
//   - A leading "date YYYY-MM-DD" marker (as in raw articles received by the
//     project) is removed from the body and becomes PublishedAt unless the
//     submission has one.
//   - Without a title, a first paragraph that is one line of at most
//     MaxTitleLine characters, not ending with a full stop and followed by
//     more text, becomes the title (the "title, blank line, body" layout).
//   - Page furniture is removed from the body (see furniture.go): bylines,
//     datelines, wire and photo credits, captions, related-article lines,
//     crossheads, newsletter and cookie lines. The byline's name becomes
//     Author, the dateline's place and date Dateline, and a wire agency
//     named in the dateline Source when the submission has none.
//   - s.URL, if set, must be an absolute http or https URL, otherwise
//     ErrMalformed.
//   - s.PublishedAt must be RFC 3339 or YYYY-MM-DD, otherwise ErrMalformed.
//   - A body larger than DefaultMaxBytes is ErrTooLarge; a body with no text
//     left is ErrEmpty. A submission with a URL and no body must be fetched
//     first (see Fetch and Resolve).
//
// ID is news.ID(Title, Body) and SubmittedAt is now. Normalise is idempotent:
// normalising an Article's own Title, Body, URL, Source, PublishedAt and
// LanguageHint again gives the same Article.
func Normalise(s news.Submission, now time.Time) (news.Article, error) {
	if len(s.Body) > DefaultMaxBytes {
		return news.Article{}, tooLarge(len(s.Body), DefaultMaxBytes)
	}
	a := news.Article{
		URL:          cleanLine(s.URL),
		Source:       cleanLine(s.Source),
		LanguageHint: langTag(s.Language),
		SubmittedAt:  now,
	}
	if a.URL != "" && !httpURL(a.URL) {
		return news.Article{}, fmt.Errorf("%w: field \"url\" must be an absolute http or https URL, got %.80q", ErrMalformed, a.URL)
	}
	if s.PublishedAt != "" {
		t, err := parseDate(strings.TrimSpace(s.PublishedAt))
		if err != nil {
			return news.Article{}, fmt.Errorf("%w: field \"published_at\" must be an RFC 3339 time or a YYYY-MM-DD date, got %q", ErrMalformed, s.PublishedAt)
		}
		a.PublishedAt = &t
	}
	title := s.Title
	body := s.Body
	if strings.TrimSpace(body) == "" {
		if a.URL != "" {
			return news.Article{}, fmt.Errorf("%w: the submission has a URL but no body; it must be fetched first", ErrEmpty)
		}
		return news.Article{}, fmt.Errorf("%w: the article body is empty", ErrEmpty)
	}
	if s.HTML {
		r, err := fromHTML(body, a.URL)
		if err != nil {
			return news.Article{}, err
		}
		body = r.text
		if strings.TrimSpace(title) == "" {
			title = r.title
		}
		if a.PublishedAt == nil && r.published != nil {
			a.PublishedAt = r.published
		}
		if a.Source == "" {
			a.Source = cleanLine(r.site)
		}
		if a.LanguageHint == "" {
			a.LanguageHint = langTag(r.lang)
		}
	}

	var f furniture
	paras := dropFurniture(cutDates(paragraphs(body), &a), &f)
	a.Title = cleanLine(title)
	if a.Title == "" && len(paras) > 1 && isTitleLine(paras[0]) {
		a.Title, paras = paras[0], paras[1:]
		paras = cutDates(paras, &a)
	}
	paras = dropCrossheads(cutLead(paras, &f))
	a.Author, a.Dateline = f.author, f.dateline
	if a.Source == "" {
		a.Source = f.agency
	}
	a.Body = strings.Join(paras, "\n\n")
	if a.Body == "" {
		return news.Article{}, fmt.Errorf("%w: no text left after normalisation", ErrEmpty)
	}
	a.ID = news.ID(a.Title, a.Body)
	return a, nil
}

// httpURL reports whether u is an absolute http(s) URL with a host: the
// only kind an article may carry, since it ends up as a link in pages,
// feeds and Markdown (issue #13: a javascript: URL was accepted with a body).
func httpURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// parseDate reads an RFC 3339 time or a YYYY-MM-DD date (taken as UTC
// midnight).
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

var dateMarker = regexp.MustCompile(`^(?i:date):?\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)`)

// cutDates removes every leading date marker from paras, setting
// a.PublishedAt from the first if it is not set yet.
func cutDates(paras []string, a *news.Article) []string {
	for len(paras) > 0 {
		rest, date, ok := cutDate(paras[0])
		if !ok {
			break
		}
		if a.PublishedAt == nil {
			a.PublishedAt = &date
		}
		if rest == "" {
			paras = paras[1:]
		} else {
			paras[0] = rest
		}
	}
	return paras
}

// cutDate removes a leading "date YYYY-MM-DD" marker from a paragraph.
func cutDate(p string) (rest string, date time.Time, ok bool) {
	m := dateMarker.FindStringSubmatch(p)
	if m == nil {
		return p, time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return p, time.Time{}, false
	}
	return p[len(m[0]):], t, true
}

// isTitleLine reports whether a paragraph reads as a title: short but of
// three words or more (shorter lines are crossheads such as "What
// happened"), and not a sentence ending with a full stop.
func isTitleLine(p string) bool {
	return utf8.RuneCountInString(p) <= MaxTitleLine && !strings.HasSuffix(p, ".") && len(strings.Fields(p)) >= 3
}

// langTag reduces a language tag such as "it-IT" or "EN_us" to its primary
// subtag in lower case ("it", "en"); anything that is not 2-3 letters is
// dropped.
func langTag(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}

// cleanLine normalises a one-line field: NFC, blanks collapsed, trimmed.
func cleanLine(s string) string {
	return cleanText(strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " "))
}

// cleanText puts one line in NFC, turns every run of blanks into one space,
// drops control and invisible format characters, and trims.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Blanks at either end are dropped; if nothing inside needs collapsing
	// or dropping, skip the copy (most lines).
	if core := strings.Trim(s, " \t\n\v\f\r"); isClean(core) {
		return norm.NFC.String(core)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case isInvisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	// NFC last: dropping a control character can bring two combining marks
	// together, and only then is their canonical order known (found by
	// FuzzNormalise).
	return norm.NFC.String(b.String())
}

// isClean reports whether cleanText's loop would copy s unchanged: no
// blank but single spaces between other characters, nothing invisible.
func isClean(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				if s[i+1] == ' ' {
					return false
				}
			case c < 0x20 || c == 0x7f: // blanks and controls
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || isInvisible(r) {
			return false
		}
		i += size
	}
	return true
}

// isInvisible reports characters that carry no text: controls, the byte
// order mark and zero-width spaces. Zero-width joiners stay (emoji and some
// scripts need them).
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u2060', '\ufeff', '\u00ad':
		return true
	case '\u200c', '\u200d':
		return false
	}
	if r < 0x600 {
		// Below U+0600 the only format character is U+00AD, handled above.
		return unicode.IsControl(r)
	}
	return unicode.Is(unicode.Cf, r) && r != '\u200e' && r != '\u200f'
}

// lineBreaks turns every line and paragraph separator into "\n" or "\n\n".
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n", "\f", "\n\n", "\v", "\n")

// paragraphs splits text into cleaned paragraphs. Blank lines separate
// paragraphs; a line is joined to the one before only when it looks
// hard-wrapped.
func paragraphs(text string) []string {
	if strings.ContainsAny(text, "\r\f\v") || strings.Contains(text, "\u2028") || strings.Contains(text, "\u2029") {
		text = lineBreaks.Replace(text)
	}
	var paras []string
	var cur string
	flush := func() {
		if cur != "" {
			paras = append(paras, cur)
		}
		cur = ""
	}
	for rest, more := text, true; more; {
		var raw string
		raw, rest, more = strings.Cut(rest, "\n")
		line := cleanText(raw)
		switch {
		case line == "":
			flush()
		case cur != "" && wrapped(cur, line):
			cur += " " + line
		default:
			flush()
			cur = line
		}
	}
	flush()
	return paras
}

// wrapped reports whether next continues prev, a line broken only by hard
// wrapping: next starts with a lower-case letter and prev does not end a
// sentence or a heading-like clause.
func wrapped(prev, next string) bool {
	r, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLower(r) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	return !strings.ContainsRune(".!?:;…", last)
}

type htmlArticle struct {
	text, title, site, lang string
	published               *time.Time
}

// fromHTML extracts the main text and metadata of an HTML page.
func fromHTML(page, pageURL string) (htmlArticle, error) {
	var u *url.URL
	if pageURL != "" {
		if p, err := url.Parse(pageURL); err == nil && p.IsAbs() {
			u = p
		}
	}
	art, err := readability.FromReader(strings.NewReader(page), u)
	if err != nil || art.Node == nil {
		return htmlArticle{}, fmt.Errorf("%w: no article text found in the HTML", ErrEmpty)
	}
	var b strings.Builder
	if err := art.RenderText(&b); err != nil || strings.TrimSpace(b.String()) == "" {
		return htmlArticle{}, fmt.Errorf("%w: no article text found in the HTML", ErrEmpty)
	}
	h := htmlArticle{text: b.String(), title: trimSite(art.Title(), art.SiteName()), site: art.SiteName(), lang: art.Language()}
	if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
		h.published = &t
	}
	return h, nil
}

// trimSite removes the site name that pages append to their title, as in
// "Headline - Site" or "Headline | Site".
func trimSite(title, site string) string {
	title, site = cleanLine(title), cleanLine(site)
	if site == "" || !strings.HasSuffix(title, site) {
		return title
	}
	head := strings.TrimSpace(strings.TrimSuffix(title, site))
	for _, sep := range []string{"-", "|", "–", "—", "·", ":", "::"} {
		if h, ok := strings.CutSuffix(head, sep); ok && strings.TrimSpace(h) != "" {
			return strings.TrimSpace(h)
		}
	}
	return title
}
