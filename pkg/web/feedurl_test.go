package web

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// TestFeedsOnlyHTTPLinks: a brief whose source URL is not http(s) gets no
// external_url in the JSON Feed and no "via" link in Atom (issue #13, item
// 9: external_url carried javascript:).
func TestFeedsOnlyHTTPLinks(t *testing.T) {
	_, idx, srv := newTestWeb(t)
	t0 := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
	for id, u := range map[string]string{"js1": "javascript:alert(1)", "ok1": "https://example.com/a"} {
		mustAdd(t, idx, news.Brief{ID: id, Language: news.Language{Code: "en"}, Headline: id, Topics: []string{"links"}, CreatedAt: t0,
			Source: news.Source{URL: u}}, false)
	}
	_, _, body := get(t, srv.URL+"/feed.json?topic=links")
	var jf JSONFeed
	if err := json.Unmarshal([]byte(body), &jf); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range jf.Items {
		got[it.ID] = it.ExternalURL
	}
	if got["js1"] != "" || got["ok1"] != "https://example.com/a" || len(got) != 2 {
		t.Errorf("external_url by id = %v, want js1 empty and ok1 kept", got)
	}
	_, _, body = get(t, srv.URL+"/feed.xml?topic=links")
	var atom atomFeed
	if err := xml.Unmarshal([]byte(body), &atom); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "javascript:") || !strings.Contains(body, "https://example.com/a") {
		t.Errorf("atom links: %s", body)
	}
}
