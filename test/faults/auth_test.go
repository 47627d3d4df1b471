package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
)

var workerUsers = workerBinaries()

// TestNATSPermissions runs every worker as its own NATS user with only the
// rights deploy/nats/permissions.conf gives it (credentials through
// NATS_USER and NATS_PASSWORD), checks the invariant, checks that no
// worker hit a permissions violation, and that a worker cannot publish
// outside its rights nor connect with a wrong password.
func TestNATSPermissions(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	perms, err := os.ReadFile(filepath.Join(root, "deploy", "nats", "permissions.conf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "permissions.conf"), perms, 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cfg := fmt.Sprintf("listen: 127.0.0.1:%d\nmax_payload: 8MB\njetstream { store_dir: %q }\ninclude ./permissions.conf\n", port, filepath.Join(dir, "js"))
	if err := os.WriteFile(filepath.Join(dir, "nats.conf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	pw := func(user string) string { return "pw-" + user + "-" + secretNATS }
	var serverEnv []string
	for _, u := range append(workerUsers, "ops") {
		serverEnv = append(serverEnv, fmt.Sprintf("NEWSBRIEF_%s_PASSWORD=%s", strings.ToUpper(u), pw(u)))
	}
	start(t, "nats", bin("nats-server"), serverEnv, "-c", filepath.Join(dir, "nats.conf"))
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	waitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)

	ps := map[string]*proc{}
	for _, w := range workerUsers {
		env := workerEnv(url, fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", freePort(t)), "NATS_USER="+w, "NATS_PASSWORD="+pw(w))
		ps[w] = start(t, w, bin(w), env)
	}
	b := connect(t, url, func(c *bus.Config) { c.User, c.Password = "ops", pw("ops") })
	arts := corpus(t, 20, "permissions")
	submitNATS(t, b, arts)
	waitSettled(t, b, ids(arts), 60*time.Second)
	r := check(t, b, ids(arts))
	if r.Briefed != len(arts) {
		t.Errorf("briefed %d of %d", r.Briefed, len(arts))
	}
	for w, p := range ps {
		out := p.output()
		if strings.Contains(strings.ToLower(out), "permissions violation") || strings.Contains(out, "Authorization Violation") {
			t.Errorf("%s hit a permission error:\n%s", w, grepLines(out, "iolation", 5))
		}
		if strings.Contains(out, pw(w)) {
			t.Errorf("%s logged its NATS password", w)
		}
	}

	t.Run("outside its rights", func(t *testing.T) {
		var mu sync.Mutex
		var asyncErr error
		nc, err := nats.Connect(url, nats.UserInfo("ingest", pw("ingest")), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			mu.Lock()
			asyncErr = err
			mu.Unlock()
		}))
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		// ingest may not forge briefs.
		_ = nc.Publish("news.briefed.it", []byte(`{"id":"forged"}`))
		_ = nc.Flush()
		if !waitFor(3*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return asyncErr != nil }) {
			t.Fatal("ingest published on news.briefed.it without a permissions error")
		}
		mu.Lock()
		t.Logf("ingest → news.briefed.it: %v", asyncErr)
		mu.Unlock()
	})
	t.Run("wrong password", func(t *testing.T) {
		nc, err := nats.Connect(url, nats.UserInfo("ingest", "guess"), nats.Timeout(2*time.Second))
		if err == nil {
			nc.Close()
			t.Fatal("connected with a wrong password")
		}
		t.Logf("wrong password: %v", err)
	})
	result(t, r)
}

func grepLines(s, sub string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
