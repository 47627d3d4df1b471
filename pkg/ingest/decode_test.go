package ingest

import (
	"errors"
	"strings"
	"testing"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestDecode(t *testing.T) {
	latin1 := []byte("Perch\xe9 l'Italia \xe8 cos\xec: citt\xe0 e caff\xe8.")
	tests := []struct {
		name    string
		data    []byte
		ct      string
		max     int
		want    news.Submission
		wantErr error
		errHas  string
	}{
		{name: "json full", ct: "application/json",
			data: []byte(`{"title":"T","body":"B","url":"https://x.test/a","source":"S","published_at":"2025-12-17","language":"it"}`),
			want: news.Submission{Title: "T", Body: "B", URL: "https://x.test/a", Source: "S", PublishedAt: "2025-12-17", Language: "it"}},
		{name: "json url only", ct: "application/json; charset=utf-8", data: []byte(`{"url":"https://x.test/a"}`),
			want: news.Submission{URL: "https://x.test/a"}},
		{name: "json sniffed", data: []byte("  \n{\"body\":\"ciao\"}"), want: news.Submission{Body: "ciao"}},
		{name: "json html flag", ct: "application/json", data: []byte(`{"body":"<p>x</p>","html":true}`),
			want: news.Submission{Body: "<p>x</p>", HTML: true}},
		{name: "json neither body nor url", ct: "application/json", data: []byte(`{"title":"only a title"}`),
			wantErr: ErrEmpty, errHas: `neither "body" nor "url"`},
		{name: "json whitespace body", ct: "application/json", data: []byte(`{"body":"  \n "}`), wantErr: ErrEmpty},
		{name: "json wrong type", ct: "application/json", data: []byte(`{"title":42,"body":"x"}`),
			wantErr: ErrMalformed, errHas: `field "title" must be a string, not a number`},
		{name: "json wrong type bool", ct: "application/json", data: []byte(`{"body":"x","html":"yes"}`),
			wantErr: ErrMalformed, errHas: `field "html" must be true or false, not a string`},
		{name: "json body object", ct: "application/json", data: []byte(`{"body":{"text":"x"}}`),
			wantErr: ErrMalformed, errHas: `field "body" must be a string, not an object`},
		{name: "json unknown field", ct: "application/json", data: []byte(`{"body":"x","author":"me"}`),
			wantErr: ErrMalformed, errHas: `unknown field "author"`},
		{name: "json array", ct: "application/json", data: []byte(`["x"]`),
			wantErr: ErrMalformed, errHas: "must be an object"},
		{name: "json syntax", ct: "application/json", data: []byte(`{"body":"x",}`),
			wantErr: ErrMalformed, errHas: "invalid JSON at byte"},
		{name: "json truncated", ct: "application/json", data: []byte(`{"body":"x"`),
			wantErr: ErrMalformed, errHas: "incomplete"},
		{name: "json trailing data", ct: "application/json", data: []byte(`{"body":"x"} {"body":"y"}`),
			wantErr: ErrMalformed, errHas: "after the JSON object"},
		{name: "json deep nesting", ct: "application/json", data: []byte(`{"body":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`),
			wantErr: ErrMalformed, errHas: "nested deeper than 16"},
		{name: "json brackets in strings do not count", ct: "application/json", data: []byte(`{"body":"` + strings.Repeat("[{", 50) + `\""}`),
			want: news.Submission{Body: strings.Repeat("[{", 50) + `"`}},
		{name: "json invalid utf8", ct: "application/json", data: []byte("{\"body\":\"perch\xe9\"}"), wantErr: ErrInvalidUTF8},
		{name: "plain text", ct: "text/plain", data: []byte("Ciao mondo"), want: news.Submission{Body: "Ciao mondo"}},
		{name: "sniffed text", data: []byte("Ciao mondo"), want: news.Submission{Body: "Ciao mondo"}},
		{name: "utf8 bom dropped", data: []byte("\xef\xbb\xbfCiao"), want: news.Submission{Body: "Ciao"}},
		{name: "utf16 bom", data: []byte("\xff\xfeC\x00i\x00a\x00o\x00"), want: news.Submission{Body: "Ciao"}},
		{name: "latin1 charset", ct: "text/plain; charset=ISO-8859-1", data: latin1,
			want: news.Submission{Body: "Perché l'Italia è così: città e caffè."}},
		{name: "windows-1252 charset", ct: "text/plain; charset=windows-1252", data: []byte("\x93quoted\x94 \x80 5"),
			want: news.Submission{Body: "“quoted” € 5"}},
		{name: "latin1 without charset", data: latin1, want: news.Submission{Body: "Perché l'Italia è così: città e caffè."}},
		{name: "latin1 declared utf-8 is repaired", ct: "text/plain; charset=utf-8", data: latin1,
			want: news.Submission{Body: "Perché l'Italia è così: città e caffè."}},
		// Issue #13: UTF-8 text with a few bad bytes is UTF-8, not Latin-1.
		{name: "mostly utf8, two bad bytes", data: []byte("La società dell’anno \xff: perché sì \xc3, città."),
			want: news.Submission{Body: "La società dell’anno \ufffd: perché sì \ufffd, città."}},
		{name: "mostly utf8 declared utf-8", ct: "text/plain; charset=utf-8", data: []byte("caffè \x80 perché così"),
			want: news.Submission{Body: "caffè \ufffd perché così"}},
		{name: "latin1 with one utf8-looking pair stays latin1", data: []byte("citt\xe0 e caff\xe8 \xc3\xa9 perch\xe9"),
			want: news.Submission{Body: "città e caffè Ã© perché"}},
		{name: "invalid utf8 not latin1", data: []byte("abc\xe9\x81\x8d\x8f\x90\x9d\xff\xfe"), wantErr: ErrInvalidUTF8},
		{name: "mostly high bytes", data: []byte("\xe9\xe8\xe0\xec\xf2\xf9\xe9\xe8ab"), wantErr: ErrInvalidUTF8},
		{name: "unknown charset", ct: "text/plain; charset=klingon", data: []byte("x"), wantErr: ErrMalformed, errHas: `unknown charset "klingon"`},
		{name: "png", ct: "", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), wantErr: ErrBinary, errHas: "PNG image"},
		{name: "png declared text", ct: "text/plain", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), wantErr: ErrBinary},
		{name: "gzip", data: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), wantErr: ErrBinary, errHas: "gzip"},
		{name: "zip", data: []byte("PK\x03\x04\x14\x00\x00\x00"), wantErr: ErrBinary, errHas: "zip"},
		{name: "pdf", data: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), wantErr: ErrBinary, errHas: "PDF"},
		{name: "nul bytes", data: []byte("hello\x00world"), wantErr: ErrBinary, errHas: "NUL"},
		{name: "text starting like a signature", data: []byte("ID3 is a tag format for MP3 files."),
			want: news.Submission{Body: "ID3 is a tag format for MP3 files."}},
		{name: "html declared", ct: "text/html; charset=utf-8", data: []byte("<p>Ciao</p>"), want: news.Submission{Body: "<p>Ciao</p>", HTML: true}},
		{name: "html sniffed", data: []byte("\n<!DOCTYPE html><html><body><p>Ciao</p></body></html>"),
			want: news.Submission{Body: "\n<!DOCTYPE html><html><body><p>Ciao</p></body></html>", HTML: true}},
		{name: "html meta charset latin1", data: []byte(`<html><head><meta charset="iso-8859-1"></head><body>caff` + "\xe8" + `</body></html>`),
			want: news.Submission{Body: `<html><head><meta charset="iso-8859-1"></head><body>caffè</body></html>`, HTML: true}},
		{name: "too large", data: []byte(strings.Repeat("a", 11)), max: 10, wantErr: ErrTooLarge, errHas: "11 bytes; the limit is 10"},
		{name: "too large after conversion", ct: "text/plain; charset=iso-8859-1", data: []byte("\xe8\xe8\xe8\xe8\xe8\xe8"), max: 10, wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.data, tt.ct, tt.max)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decode() error = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Decode() error = %q, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("Decode() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
