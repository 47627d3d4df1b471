package news

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The schema file and the Go types must name the same fields.
func TestBriefSchemaMatchesTypes(t *testing.T) {
	var schema struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(BriefSchema, &schema); err != nil {
		t.Fatalf("brief.schema.json: %v", err)
	}
	check := func(name string, typ reflect.Type, props map[string]json.RawMessage) {
		var fields []string
		for i := range typ.NumField() {
			tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			fields = append(fields, tag)
			if _, ok := props[tag]; !ok {
				t.Errorf("%s: field %q is not in the schema", name, tag)
			}
		}
		for p := range props {
			if !contains(fields, p) {
				t.Errorf("%s: schema property %q is not a field", name, p)
			}
		}
	}
	check("Brief", reflect.TypeFor[Brief](), schema.Properties)
	check("Entity", reflect.TypeFor[Entity](), schema.Defs["entity"].Properties)
	sort.Strings(schema.Required)
	for _, r := range schema.Required {
		if _, ok := schema.Properties[r]; !ok {
			t.Errorf("required %q is not a property", r)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestIDIsStableAndSeparatesTitleFromBody(t *testing.T) {
	if ID("a", "bc") == ID("ab", "c") {
		t.Error("title/body boundary does not change the id")
	}
	if got := ID("t", "b"); got != ID("t", "b") || len(got) != 32 {
		t.Errorf("ID = %q, want a stable 32-hex id", got)
	}
}
