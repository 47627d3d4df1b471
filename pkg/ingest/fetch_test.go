package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/news"
)

func TestFetch(t *testing.T) {
	page := "<html><head><title>T</title></head><body><article><p>" + strings.Repeat("Testo dell'articolo. ", 40) + "</p></article></body></html>"
	mux := http.NewServeMux()
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
		w.Write([]byte("Perch\xe9 s\xec."))
	})
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/binary-as-text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("\x1f\x8b\x08\x00\x00\x00"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("a", 2000)))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name    string
		url     string
		max     int
		timeout time.Duration
		want    news.Submission
		wantErr []error
		errHas  string
	}{
		{name: "html", url: srv.URL + "/html", want: news.Submission{Body: page, HTML: true, URL: srv.URL + "/html"}},
		{name: "latin1 text", url: srv.URL + "/latin1", want: news.Submission{Body: "Perché sì.", URL: srv.URL + "/latin1"}},
		{name: "image", url: srv.URL + "/png", wantErr: []error{ErrFetch}, errHas: `content type "image/png" is not an HTML or text page`},
		{name: "binary served as text", url: srv.URL + "/binary-as-text", wantErr: []error{ErrFetch, ErrBinary}},
		{name: "too large", url: srv.URL + "/big", max: 1000, wantErr: []error{ErrFetch, ErrTooLarge}, errHas: "larger than 1000 bytes"},
		{name: "404", url: srv.URL + "/missing", wantErr: []error{ErrFetch}, errHas: "404 Not Found"},
		{name: "timeout", url: srv.URL + "/slow", timeout: 50 * time.Millisecond, wantErr: []error{ErrFetch}, errHas: "timed out"},
		{name: "ftp", url: "ftp://example.test/a", wantErr: []error{ErrFetch}, errHas: "only http and https"},
		{name: "file", url: "file:///etc/passwd", wantErr: []error{ErrFetch}},
		{name: "not a url", url: "notaurl", wantErr: []error{ErrFetch}, errHas: "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			got, err := Fetch(ctx, srv.Client(), tt.url, tt.max)
			if len(tt.wantErr) > 0 {
				for _, want := range tt.wantErr {
					if !errors.Is(err, want) {
						t.Errorf("Fetch() error = %v, want %v", err, want)
					}
				}
				if err != nil && !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Fetch() error = %q, want it to contain %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("Fetch() = %+v, want %+v", got, tt.want)
			}
		})
	}

	t.Run("resolve", func(t *testing.T) {
		s, err := Resolve(context.Background(), srv.Client(), news.Submission{URL: srv.URL + "/html", Title: "Mio"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Normalise(s, now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "Mio" || !strings.HasPrefix(a.Body, "Testo dell'articolo.") || a.URL != srv.URL+"/html" {
			t.Errorf("Resolve+Normalise = %+v", a)
		}
	})
}
