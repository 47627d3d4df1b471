package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/newsbrief/newsbrief/pkg/news"
)

// TestPublishedContracts checks a running server against what it publishes
// (issue #18): the items of GET /v1/briefs validate against
// /v1/schema/brief-summary and a full brief against /v1/schema/brief, with
// a real JSON Schema validator (item 11); /metrics shows every stage's
// failure counters at 0 before any failure (item 14).
func TestPublishedContracts(t *testing.T) {
	base := startInProcess(t, nil)

	// Item 14: the series exist from the start.
	metrics := httpGet(t, base+"/metrics")
	for _, stage := range []string{news.StageIngest, news.StageLangDetect, news.StageEntities, news.StageSummarise, news.StageRecord} {
		for _, name := range []string{"stage_failed_total", "stage_retried_total", "stage_dead_lettered_total", "stage_rejected_total", "stage_processed_total"} {
			if want := "newsbrief_" + name + `{stage="` + stage + `"} 0`; !strings.Contains(metrics, want) {
				t.Errorf("/metrics before any message lacks %s", want)
			}
		}
	}
	if want := `newsbrief_submissions_total{origin="web",result="rejected"} 0`; !strings.Contains(metrics, want) {
		t.Errorf("/metrics lacks %s", want)
	}

	var ids []string
	for _, f := range []string{"../../testdata/article.json", "../../testdata/it_article.txt"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ct := "text/plain; charset=utf-8"
		if strings.HasSuffix(f, ".json") {
			ct = "application/json"
		}
		resp, err := http.Post(base+"/v1/articles", ct, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var sub struct{ ID string }
		_ = json.NewDecoder(resp.Body).Decode(&sub)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST %s: %s", f, resp.Status)
		}
		ids = append(ids, sub.ID)
	}
	for _, id := range ids {
		waitBriefed(t, base, id)
	}

	full := compileSchema(t, base+"/v1/schema/brief")
	summary := compileSchema(t, base+"/v1/schema/brief-summary")
	var list struct {
		Briefs []json.RawMessage `json:"briefs"`
	}
	// The list is the read model, projected from the briefs bucket a
	// moment after the status says briefed: wait for both.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		err := json.Unmarshal([]byte(httpGet(t, base+"/v1/briefs")), &list)
		if err == nil && len(list.Briefs) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /v1/briefs: %v, %d briefs", err, len(list.Briefs))
		}
	}
	for i, item := range list.Briefs {
		if err := summary.Validate(instance(t, item)); err != nil {
			t.Errorf("list item %d does not validate against /v1/schema/brief-summary: %v\n%.300s", i, err, item)
		}
		if bytes.Contains(item, []byte(`"mentions":null`)) || bytes.Contains(item, []byte(`"body":""`)) {
			t.Errorf("list item %d has null mentions or an empty body: %.300s", i, item)
		}
	}
	for _, id := range ids {
		br := httpGet(t, base+"/v1/briefs/"+id)
		if err := full.Validate(instance(t, []byte(br))); err != nil {
			t.Errorf("brief %s does not validate against /v1/schema/brief: %v", id, err)
		}
	}
	// The full schema is stricter: a list item is not a full brief.
	if err := full.Validate(instance(t, list.Briefs[0])); err == nil {
		t.Error("a list item (no body) validates against the full brief schema: the schemas do not tell them apart")
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, b)
	}
	return string(b)
}

func instance(t *testing.T, data []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func compileSchema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, instance(t, []byte(httpGet(t, url)))); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling %s: %v", url, err)
	}
	return s
}

// waitBriefed polls an article's status until it is briefed (60 s at most).
func waitBriefed(t *testing.T, base, id string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var st news.Status
		_ = json.Unmarshal([]byte(httpGet(t, base+"/v1/articles/"+id)), &st)
		switch st.Status {
		case news.StatusBriefed:
			return
		case news.StatusRejected, news.StatusFailed:
			t.Fatalf("article %s: %s at %s: %s", id, st.Status, st.Stage, st.Reason)
		}
		if time.Now().After(deadline) {
			t.Fatalf("article %s still %s after 60s", id, st.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
