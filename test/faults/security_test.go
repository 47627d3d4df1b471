package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
	"github.com/newsbrief/newsbrief/pkg/llm/llmtest"
	"github.com/newsbrief/newsbrief/pkg/news"
)

// Secrets the security tests set; none may appear in any log.
const (
	secretToken  = "tok-3b1f9c2e-never-log-me"
	secretLLMKey = "sk-llm-5d8a7e61-never-log-me"
	secretNATS   = "nats-pw-9c4e2a17-never-log-me"
)

func post(t *testing.T, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(data)
}

// TestGatewaySecurity runs `newsbrief serve` with an API token, a rate
// limit, an LLM key and default URL fetching, and checks: the token guards
// writes, the limit answers 429 with Retry-After, URLs to private
// addresses are refused, and no secret reaches the logs.
func TestGatewaySecurity(t *testing.T) {
	llm := llmtest.NewServer(llmtest.Options{})
	t.Cleanup(llm.Close)
	natsPort, httpPort := freePort(t), freePort(t)
	env := []string{
		"NEWSBRIEF_DATA=" + t.TempDir(),
		fmt.Sprintf("NEWSBRIEF_NATS_ADDR=127.0.0.1:%d", natsPort),
		fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", httpPort),
		"NEWSBRIEF_LOG_LEVEL=debug",
		"NEWSBRIEF_API_TOKEN=" + secretToken,
		"NEWSBRIEF_RATE_LIMIT=5/s:8",
		"OPENAI_BASE_URL=" + llm.BaseURL(), "OPENAI_API_KEY=" + secretLLMKey, "NEWSBRIEF_LLM_MODEL=llmtest",
		"NATS_PASSWORD=" + secretNATS,
	}
	srv := start(t, "serve", bin("newsbrief"), env, "serve")
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	waitHTTP(t, base+"/readyz", 30*time.Second)
	// The embedded NATS server requires the password too (issue #13).
	b := connect(t, fmt.Sprintf("nats://127.0.0.1:%d", natsPort), func(c *bus.Config) { c.User, c.Password = bus.DefaultEmbeddedUser, secretNATS })
	auth := []string{"Authorization", "Bearer " + secretToken}

	t.Run("token", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			header []string
			want   int
		}{
			{"none", nil, 401},
			{"wrong", []string{"Authorization", "Bearer nope"}, 401},
			{"not bearer", []string{"Authorization", secretToken}, 401},
			{"right", auth, 202},
		} {
			resp, body := post(t, base+"/v1/articles", itText+" "+c.name, c.header...)
			if resp.StatusCode != c.want {
				t.Errorf("%s token: %d %s, want %d", c.name, resp.StatusCode, body, c.want)
			}
			if c.want == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s token: 401 without WWW-Authenticate", c.name)
			}
		}
		if resp, err := http.Get(base + "/v1/briefs"); err != nil || resp.StatusCode != 200 {
			t.Errorf("GET /v1/briefs without a token: %v %v, want 200 (reads are open)", resp, err)
		}
		time.Sleep(2 * time.Second) // refill the bucket for the next subtest
	})

	t.Run("rate limit", func(t *testing.T) {
		codes := map[int]int{}
		retryAfter := ""
		began := time.Now()
		for i := range 20 {
			resp, _ := post(t, base+"/v1/articles", fmt.Sprintf("%s rate %d", itText, i), auth...)
			codes[resp.StatusCode]++
			if resp.StatusCode == 429 && retryAfter == "" {
				retryAfter = resp.Header.Get("Retry-After")
			}
		}
		// The bucket refills at 5/s while the POSTs go out, however long a
		// loaded machine takes to send them: at most 8 + 5/s × elapsed
		// (+1 for the partial token) are accepted.
		elapsed := time.Since(began)
		most := 8 + int(5*elapsed.Seconds()) + 1
		t.Logf("20 POSTs at once with 5/s burst 8 in %s: %v, Retry-After %q", elapsed.Round(time.Millisecond), codes, retryAfter)
		if codes[202] < 8 || codes[202] > most || codes[202]+codes[429] != 20 {
			t.Errorf("status counts %v, want 8 to %d accepted and the rest 429", codes, most)
		}
		if codes[429] > 0 && retryAfter == "" {
			t.Error("429 without Retry-After")
		}
		if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
			t.Errorf("GET /healthz while limited: %v %v", resp, err)
		}
		time.Sleep(2 * time.Second)
	})

	t.Run("ssrf", func(t *testing.T) {
		page := pageServer(t)
		for _, u := range []string{
			page + "/image.png",                           // loopback (the test's own server)
			"http://169.254.169.254/latest/meta-data/",    // cloud metadata, link-local
			"http://10.0.0.1/",                            // private
			"http://[::1]:1/",                             // IPv6 loopback
			"http://[::ffff:127.0.0.1]:1/",                // IPv4-mapped loopback
			fmt.Sprintf("http://localhost:%d/", httpPort), // a name that resolves to loopback
		} {
			data, _ := json.Marshal(news.Submission{URL: u})
			began := time.Now()
			resp, body := post(t, base+"/v1/articles", string(data), append(auth, "Content-Type", "application/json")...)
			if resp.StatusCode != 422 || !strings.Contains(body, "private") {
				t.Errorf("URL %s: %d %s, want 422 naming a private address", u, resp.StatusCode, body)
			}
			if d := time.Since(began); d > 2*time.Second {
				t.Errorf("URL %s took %s to refuse", u, d)
			}
			time.Sleep(250 * time.Millisecond)
		}
	})

	// An article with the LLM on, so the LLM client logs what it logs.
	resp, body := post(t, base+"/v1/articles", itText+" log check", auth...)
	if resp.StatusCode != 202 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	var got struct{ ID string }
	_ = json.Unmarshal([]byte(body), &got)
	if st := waitFinal(t, b, got.ID); st.Status != news.StatusBriefed {
		t.Errorf("article with the LLM: %+v", st)
	}
	if err := srv.term(30 * time.Second); err != nil {
		t.Error(err)
	}
	logs := srv.output()
	if !strings.Contains(logs, "LLM configured") {
		t.Errorf("the log does not show the LLM configuration; the secrets check proves little")
	}
	for _, s := range []string{secretToken, secretLLMKey, secretNATS} {
		if strings.Contains(logs, s) {
			i := strings.Index(logs, s)
			t.Errorf("secret %q is in the log: …%s…", s, logs[max(0, i-200):min(len(logs), i+50)])
		}
	}
	t.Logf("checked %d bytes of debug log for 3 secrets", len(logs))
}
