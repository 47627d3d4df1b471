package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One here. Two there! e.g. not. Three", []string{"One here.", "Two there! e.g. not.", "Three"}},
		{"Line one\n\nLine two. Ok", []string{"Line one", "Line two.", "Ok"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Sentences(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestModels(t *testing.T) {
	s := NewServer(Options{Model: "tiny"})
	defer s.Close()
	resp, err := http.Get(s.BaseURL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Data []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || len(body.Data) != 1 || body.Data[0].ID != "tiny" {
		t.Errorf("models = %+v, %v", body, err)
	}
}
