package news

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// The fast paths alone, to check when they are taken.
func fastArticle(data []byte) (Article, bool)     { return fastRead(data, readArticle) }
func fastExtracted(data []byte) (Extracted, bool) { return fastRead(data, readExtracted) }
func fastBriefHead(data []byte) (BriefHead, bool) { return fastRead(data, readBriefHead) }

// wireSamples are messages as the stages write them, from the seed article
// and the shared articles when they are there, plus hand-made edge cases.
func wireSamples(t testing.TB) []Extracted {
	t.Helper()
	v, zero := 12.5, 0.0
	at := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	base := []Extracted{
		{Article: Article{ID: "a", Body: "x", SubmittedAt: time.Unix(0, 0).UTC()}},
		{Article: Article{ID: "b", Title: "Perché «sì» \"citato\" <tag> & \u2028 \t tab", Body: "riga\n\nriga \\ \x01 \u00e8 😀", URL: "https://x.test/?a=1&b=<2>", Source: "S", PublishedAt: &at, Author: "Jane Doe", Dateline: "SAN FRANCISCO, Dec. 4", LanguageHint: "it", Language: &Language{Code: "it", Confidence: 0.987654321}, SubmittedAt: at},
			Entities: []Entity{
				{Name: "Amazon", Type: Org, Count: 2, Mentions: []Mention{{0, 6}, {10, 16}}},
				{Name: "Stati Uniti", Type: Location, ID: "Q30", Names: map[string]string{"it": "Stati Uniti", "en": "United States"}, Count: 1, Mentions: []Mention{{20, 25}}},
				{Name: "GDPR", Type: Law, ID: "law:gdpr", Names: map[string]string{}, Count: 1, Mentions: []Mention{{30, 34}}},
				{Name: "10 miliardi di dollari", Type: Money, Value: &v, Currency: "USD", Qualifier: "over", Approximate: true, Count: 1, Mentions: []Mention{}},
				{Name: "zero", Type: Quantity, Value: &zero, Unit: "chip", ISO: "2025-03", Count: 0},
			},
			Method: "offline (llm failed: boom)"},
		{Article: Article{ID: "c", Body: "y", Language: &Language{}}, Entities: []Entity{}},
	}
	for _, dir := range []string{"../../../shared/data/seed", "../../../shared/data/articles"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for i, f := range files {
			if i >= 30 {
				break
			}
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			base = append(base, Extracted{Article: Article{ID: filepath.Base(f), Body: string(body), Language: &Language{Code: "it", Confidence: 1}, SubmittedAt: at.UTC()},
				Entities: []Entity{{Name: "X", Type: Person, Count: 1, Mentions: []Mention{{1, 2}}}}, Method: "offline"})
		}
	}
	return base
}

// TestWireMatchesJSON: on what the pipeline writes the fast decoders are
// taken (they must not quietly decline everything) and agree with
// encoding/json.
func TestWireMatchesJSON(t *testing.T) {
	for i, x := range wireSamples(t) {
		data, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := fastExtracted(data)
		if !ok {
			t.Fatalf("sample %d: fastExtracted declined %s", i, data)
		}
		var want Extracted
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sample %d: fast %+v\nencoding/json %+v", i, got, want)
		}

		adata, _ := json.Marshal(x.Article)
		a, ok := fastArticle(adata)
		var wantA Article
		if err := json.Unmarshal(adata, &wantA); err != nil || !ok || !reflect.DeepEqual(a, wantA) {
			t.Fatalf("sample %d: article fast %v %+v, encoding/json %+v (%v)", i, ok, a, wantA, err)
		}

		br := Brief{ID: x.Article.ID, SchemaVersion: SchemaVersion, Language: Language{Code: "it", Confidence: 0.5}, Title: x.Article.Title, Body: x.Article.Body, Entities: x.Entities,
			KeyPoints: []string{"a", "b"}, Translations: []Brief{{ID: "nested", Language: Language{Code: "en"}}}, Method: Method{Notes: []string{"n"}}}
		bdata, _ := json.Marshal(br)
		h, ok := fastBriefHead(bdata)
		var wantH BriefHead
		if err := json.Unmarshal(bdata, &wantH); err != nil || !ok || h != wantH {
			t.Fatalf("sample %d: brief head fast %v %+v, encoding/json %+v (%v)", i, ok, h, wantH, err)
		}
	}
}

// TestWireFallsBack: what the fast path declines still decodes exactly as
// encoding/json does, errors included.
func TestWireFallsBack(t *testing.T) {
	for _, in := range []string{
		`{"ID":"upper","body":"b"}`, // case-folded key
		`{"id":"a","id":"b"}`,       // duplicate key
		`{"id":"a","language":{"code":"it"},"language":{"confidence":0.5}}`, // merged by encoding/json
		`{"id":"a","extra":[1,{"x":null}],"body":"b"}`,                      // unknown key
		`{"id":"\ud83d\ude00"}`,                                             // surrogate pair
		`{"id":"a","title":null}`,                                           // null string
		`{"id":"a","submitted_at":"not a time"}`,                            // bad time: an error
		`{"id":"a"} x`,                                                      // trailing data: an error
		`{"id":"a","body":"\xff"}`,                                          // invalid UTF-8
		`{"article":{"id":"a"},"entities":[{"count":1.5}]}`,                 // float for int: an error
		`{"article":{"id":"a"},"entities":[{"count":99999999999999999999}]}`,
		`{"article":null,"entities":null}`,
		`[]`, ``, `{`,
	} {
		data := []byte(in)
		var gotA, wantA Article
		gerr, werr := UnmarshalArticle(data, &gotA), json.Unmarshal(data, &wantA)
		if (gerr == nil) != (werr == nil) || !reflect.DeepEqual(gotA, wantA) {
			t.Errorf("Article %q: got %+v (%v), encoding/json %+v (%v)", in, gotA, gerr, wantA, werr)
		}
		var gotX, wantX Extracted
		gerr, werr = UnmarshalExtracted(data, &gotX), json.Unmarshal(data, &wantX)
		if (gerr == nil) != (werr == nil) || !reflect.DeepEqual(gotX, wantX) {
			t.Errorf("Extracted %q: got %+v (%v), encoding/json %+v (%v)", in, gotX, gerr, wantX, werr)
		}
		var gotH, wantH BriefHead
		gerr, werr = UnmarshalBriefHead(data, &gotH), json.Unmarshal(data, &wantH)
		if (gerr == nil) != (werr == nil) || gotH != wantH {
			t.Errorf("BriefHead %q: got %+v (%v), encoding/json %+v (%v)", in, gotH, gerr, wantH, werr)
		}
	}
}

// FuzzWire: whenever a fast decoder accepts, encoding/json accepts the same
// bytes and makes the same value of them.
func FuzzWire(f *testing.F) {
	for _, x := range wireSamples(f)[:3] {
		data, _ := json.Marshal(x)
		f.Add(data)
		adata, _ := json.Marshal(x.Article)
		f.Add(adata)
	}
	f.Add([]byte(`{"id":"a","language":{"code":"it","confidence":1e-7},"title":"\u00e8\n"}`))
	f.Add([]byte(`{"entities":[{"name":"a","id":"Q1","names":{"it":"x","it":"y","en":null}},{"names":null,"id":"z"},{"names":{}}]}`))
	f.Add([]byte(`{"id":"x","schema_version":"1.0","language":{"code":"en","confidence":0.5},"key_points":["a",{"b":[true,false,null,-0.5e+3]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, ok := fastArticle(data); ok {
			var want Article
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("fastArticle accepted %q, encoding/json: %v", data, err)
			}
			if !reflect.DeepEqual(a, want) {
				t.Fatalf("fastArticle(%q) = %+v, encoding/json %+v", data, a, want)
			}
		}
		if x, ok := fastExtracted(data); ok {
			var want Extracted
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("fastExtracted accepted %q, encoding/json: %v", data, err)
			}
			if !reflect.DeepEqual(x, want) {
				t.Fatalf("fastExtracted(%q) = %+v, encoding/json %+v", data, x, want)
			}
		}
		if h, ok := fastBriefHead(data); ok {
			var want BriefHead
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("fastBriefHead accepted %q, encoding/json: %v", data, err)
			}
			if h != want {
				t.Fatalf("fastBriefHead(%q) = %+v, encoding/json %+v", data, h, want)
			}
		}
	})
}

func BenchmarkUnmarshalExtracted(b *testing.B) {
	data, _ := json.Marshal(wireSamples(b)[3])
	b.SetBytes(int64(len(data)))
	b.Run("wire", func(b *testing.B) {
		for b.Loop() {
			var x Extracted
			if err := UnmarshalExtracted(data, &x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var x Extracted
			if err := json.Unmarshal(data, &x); err != nil {
				b.Fatal(err)
			}
		}
	})
}
