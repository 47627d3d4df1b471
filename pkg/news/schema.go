package news

import (
	_ "embed"
	"encoding/json"
	"slices"
)

// BriefSchema is the JSON Schema of a Brief, served at /v1/schema/brief.
//
//go:embed brief.schema.json
var BriefSchema []byte

// BriefSummarySchema is the JSON Schema of an item of a brief list (GET
// /v1/briefs, the feeds' source): a Brief without its body and without the
// entities' mention offsets, which point into that body. It is BriefSchema
// with those two no longer required, served at /v1/schema/brief-summary.
var BriefSummarySchema = summarySchema(BriefSchema)

func summarySchema(full []byte) []byte {
	var s map[string]any
	if err := json.Unmarshal(full, &s); err != nil {
		panic("news: brief.schema.json: " + err.Error())
	}
	s["$id"] = "https://github.com/newsbrief/newsbrief/pkg/news/brief-summary.schema.json"
	s["title"] = "newsbrief brief summary"
	s["description"] = "An item of a brief list (GET /v1/briefs): a brief of schema_version 1.x without `body` and without the entities' `mentions` (offsets into the body); GET /v1/briefs/{id} has both. Readers must ignore fields they do not know."
	drop := func(obj map[string]any, field string) {
		req, _ := obj["required"].([]any)
		obj["required"] = slices.DeleteFunc(req, func(v any) bool { return v == field })
	}
	drop(s, "body")
	drop(s["$defs"].(map[string]any)["entity"].(map[string]any), "mentions")
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("news: brief summary schema: " + err.Error())
	}
	return append(out, '\n')
}
