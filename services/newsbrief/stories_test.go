package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/gateway"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// eval stories runs the real offline pipeline and clustering on our own
// small bilingual set: one event in English and Italian with a copy, an
// unrelated Italian article, and a later story about the same company.
func TestEvalStoriesCommand(t *testing.T) {
	data, err := filepath.Abs("../../pkg/story/testdata/stories")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "eval", "stories", "--data", data, "--show", "1")
	if code != 0 {
		t.Fatalf("eval stories: exit %d, %q", code, errs)
	}
	for _, want := range []string{"B-cubed          P 1.000  R 1.000  F1 1.000", "cross-lingual    P 1.000  R 1.000", "syndication      P 1.000  R 1.000", `"languages": [`} {
		if !strings.Contains(out, want) {
			t.Errorf("eval stories output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "", "eval", "stories"); code != 2 {
		t.Errorf("eval stories without --data: exit %d, want 2", code)
	}
}

// testArticle reads one of our own articles under pkg/story/testdata.
func testArticle(t *testing.T, name string) (title, body string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../pkg/story/testdata/stories", name))
	if err != nil {
		t.Fatal(err)
	}
	title, body, _ = strings.Cut(string(data), "\n")
	return strings.TrimSpace(title), strings.TrimSpace(body)
}

func postJSON(t *testing.T, base string, sub news.Submission) string {
	t.Helper()
	data, _ := json.Marshal(sub)
	resp, err := http.Post(base+"/v1/articles", "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /v1/articles: %s %v", resp.Status, err)
	}
	return out.ID
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		_ = json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}

func getText(t *testing.T, url, acceptLang string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Language", acceptLang)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Two articles on one event, in English and Italian, end in one story that
// the API, the SSE stream, the CLI and the pages show.
func TestStoriesServe(t *testing.T) {
	base := startInProcess(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/stories/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan() // the stream's opening comment: subscribed

	enT, enB := testArticle(t, "en_1.txt")
	itT, itB := testArticle(t, "it_1.txt")
	en := postJSON(t, base, news.Submission{Title: enT, Body: enB, Source: "Example Wire"})
	it := postJSON(t, base, news.Submission{Title: itT, Body: itB, Source: "Notizie Esempio"})
	var st news.Story
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &st); err != nil {
				t.Fatalf("event data: %v", err)
			}
			if len(st.Members) == 2 {
				break
			}
		}
	}
	if len(st.Members) != 2 {
		t.Fatalf("no story with both articles on the stream (%v); last %+v", sc.Err(), st)
	}
	var list gateway.StoryList
	if code := getJSON(t, base+"/v1/stories?lang=it", &list); code != 200 || len(list.Stories) != 1 || list.Stories[0].ID != st.ID {
		t.Fatalf("GET /v1/stories?lang=it: %d %+v, want the one story %s", code, list, st.ID)
	}
	s := list.Stories[0]
	if strings.Join(s.Languages, ",") != "en,it" || s.Sources != 2 || s.Briefs["it"].Headline == "" || s.Briefs["en"].Headline == "" || s.State != nil {
		t.Errorf("story: languages %v, %d sources, briefs %+v (state left out: %v)", s.Languages, s.Sources, s.Briefs, s.State == nil)
	}
	for _, id := range []string{en, it} {
		var a struct {
			StoryID string `json:"story_id"`
		}
		if getJSON(t, base+"/v1/articles/"+id, &a); a.StoryID != st.ID {
			t.Errorf("GET /v1/articles/%s: story_id %q, want %q", id, a.StoryID, st.ID)
		}
	}
	if code := getJSON(t, base+"/v1/stories/"+st.ID, nil); code != 200 {
		t.Errorf("GET /v1/stories/{id}: %d", code)
	}
	if code := getJSON(t, base+"/v1/stories/st-nope", nil); code != 404 {
		t.Errorf("GET /v1/stories/st-nope: %d, want 404", code)
	}
	if code := getJSON(t, base+"/v1/stories?limit=0", nil); code != 400 {
		t.Errorf("GET /v1/stories?limit=0: %d, want 400", code)
	}
	home := getText(t, base+"/", "it-IT,it;q=0.9")
	if !strings.Contains(home, `data-story="`+st.ID+`"`) || !strings.Contains(home, html.EscapeString(s.Briefs["it"].Headline)) {
		t.Errorf("front page lacks the story card with the Italian headline %q", s.Briefs["it"].Headline)
	}
	if page := getText(t, base+"/briefs/"+en, "en"); !strings.Contains(page, `href="/stories/`+st.ID+`"`) {
		t.Error("the brief page does not link to its story")
	}
	if page := getText(t, base+"/stories/"+st.ID, "en"); !strings.Contains(page, html.EscapeString(s.Briefs["en"].Headline)) || !strings.Contains(page, "Italiano") {
		t.Error("the story page lacks the English headline or the Italian brief")
	}
	if feed := getText(t, base+"/stories.xml?lang=it", "it"); !strings.Contains(feed, "urn:newsbrief:story:"+st.ID) || !strings.Contains(feed, html.EscapeString(s.Briefs["it"].Headline)) {
		t.Errorf("/stories.xml lacks the story with its Italian headline:\n%.600s", feed)
	}
	var jf struct {
		Items []struct{ ID, Title string }
	}
	if getJSON(t, base+"/stories.json", &jf); len(jf.Items) != 1 || jf.Items[0].ID != "story:"+st.ID {
		t.Errorf("/stories.json items: %+v, want the one story", jf.Items)
	}
	for _, format := range []string{"json", "md", "text"} {
		code, out, errs := runCLI(t, "", "stories", "--server", base, "--format", format)
		if code != 0 || !strings.Contains(out, s.Briefs["en"].Headline) {
			t.Errorf("newsbrief stories --format %s: exit %d, %q %q", format, code, out, errs)
		}
	}
	if code, out, _ := runCLI(t, "", "digest", "--server", base); code != 0 || !strings.Contains(out, "## "+s.Briefs["en"].Headline) || strings.Contains(out, "Other briefs") {
		t.Errorf("newsbrief digest does not group the two articles as one story: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "stories", "--server", base, st.ID, "--format", "md"); code != 0 || !strings.Contains(out, s.Briefs["it"].Headline) {
		t.Errorf("newsbrief stories ID --format md: exit %d\n%s", code, out)
	}
}
