package ingest

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/newsbrief/newsbrief/pkg/news"
)

var fastJSONSeeds = []string{
	`{}`, ` { } `, `{"body":"x"}`, `{"title":"T","body":"B\n\"q\" \u00e8 \u2019 \/ \\ \b\f\r\t","html":true}`,
	`{"html":false,"html":true,"body":"a","body":"b"}`, `{"Body":"x"}`, `{"body":null}`, `{"body":"x",}`, `{"body":"x"} x`,
	`{"body":"\ud83d\ude00"}`, `{"body":"\ud83d"}`, `{"body":"\u12"}`, `{"body":"\u00zz"}`, `{"body":"a` + "\x01" + `"}`,
	`{"body":"x","extra":1}`, `{"body":1}`, `{"body":"x"}` + "\n\t\r ", `[{"body":"x"}]`, `{"body":"x"`, `{"body" "x"}`,
	`{"html":truex}`, `{"html":tru}`, `{"bo\u0064y":"x"}`, `{"body":"x\u0000y"}`, `{"published_at":"2025-01-01","language":"it","url":"u","source":"s"}`,
}

// FuzzFastSubmission checks that whenever fastSubmission accepts a JSON
// text, encoding/json (decodeJSONStrict) accepts it too, with the same
// Submission.
func FuzzFastSubmission(f *testing.F) {
	for _, s := range fastJSONSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		got, ok := fastSubmission(data)
		if !ok {
			return
		}
		want, err := decodeJSONStrict(data)
		if err != nil {
			t.Fatalf("fastSubmission(%q) accepted what encoding/json rejects: %v", data, err)
		}
		if got != want {
			t.Fatalf("fastSubmission(%q) = %+v, encoding/json says %+v", data, got, want)
		}
	})
}

// TestFastSubmissionTakesCommonShapes makes sure the fast path is used for
// what clients send (it must not silently decline everything).
func TestFastSubmissionTakesCommonShapes(t *testing.T) {
	for _, sub := range []news.Submission{{Body: "x"}, {Title: "Perché «sì»", Body: "a\n\nb \"c\" \u2028", URL: "https://x.test/?a=1&b=<2>", HTML: true, Language: "it", PublishedAt: "2025-01-01", Source: "S"}} {
		data, err := json.Marshal(sub)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := fastSubmission(data)
		if !ok || got != sub {
			t.Errorf("fastSubmission(%s) = %+v, %v; want %+v", data, got, ok, sub)
		}
	}
}
