package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAuthBearerCaseInsensitive: the scheme name of the Authorization
// header is case-insensitive (issue #13, item 12); the token is not.
func TestAuthBearerCaseInsensitive(t *testing.T) {
	s := &Server{cfg: Config{APIToken: "s3cret"}}
	h := s.auth(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for header, want := range map[string]int{
		"Bearer s3cret": 204, "bearer s3cret": 204, "BEARER s3cret": 204, "  Bearer   s3cret  ": 204,
		"Bearer S3CRET": 401, "Basic s3cret": 401, "s3cret": 401, "Bearer": 401, "Bearer ": 401, "": 401, "Bearers3cret": 401,
	} {
		r := httptest.NewRequest("POST", "/v1/articles", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code != want {
			t.Errorf("Authorization %q: %d, want %d", header, w.Code, want)
		}
	}
}
