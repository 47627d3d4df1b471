package news

import _ "embed"

// BriefSchema is the JSON Schema of a Brief, served at /v1/schema/brief.
//
//go:embed brief.schema.json
var BriefSchema []byte
