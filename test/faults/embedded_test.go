package faults

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsbrief/newsbrief/pkg/bus"
)

// TestEmbeddedNATSAuth (issue #13 item 4): with NEWSBRIEF_API_TOKEN set,
// the all-in-one's embedded NATS server refuses clients without the
// credentials, so the token cannot be bypassed over NATS; the local tools
// log in with them; and no server opens beyond loopback without them.
func TestEmbeddedNATSAuth(t *testing.T) {
	natsPort, httpPort := freePort(t), freePort(t)
	natsAddr := fmt.Sprintf("127.0.0.1:%d", natsPort)
	env := []string{
		"NEWSBRIEF_DATA=" + t.TempDir(),
		"NEWSBRIEF_NATS_ADDR=" + natsAddr,
		fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", httpPort),
		"NEWSBRIEF_API_TOKEN=" + secretToken,
		"NEWSBRIEF_ENTITIES_ENGINE=offline", "NEWSBRIEF_SUMMARY_ENGINE=offline",
	}
	srv := start(t, "serve", bin("newsbrief"), env, "serve")
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/readyz", httpPort), 30*time.Second)

	url := "nats://" + natsAddr
	for _, c := range []struct {
		name string
		opts []nats.Option
	}{
		{"no credentials", nil},
		{"wrong password", []nats.Option{nats.UserInfo(bus.DefaultEmbeddedUser, "guess")}},
	} {
		nc, err := nats.Connect(url, append(c.opts, nats.Timeout(5*time.Second))...)
		if err == nil {
			// Had it connected, it could have forged a brief.
			nc.Close()
			t.Errorf("%s: connected to the embedded NATS server", c.name)
		}
	}
	nc, err := nats.Connect(url, nats.UserInfo(bus.DefaultEmbeddedUser, secretToken), nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("the API token as the NATS password: %v", err)
	}
	nc.Close()

	if out, code := cli(t, []string{"NEWSBRIEF_NATS_ADDR=" + natsAddr, "NEWSBRIEF_API_TOKEN=" + secretToken}, "audit", "--older", "0s"); code != 0 {
		t.Errorf("audit with the token: exit %d\n%s", code, out)
	}
	if out, code := cli(t, []string{"NEWSBRIEF_NATS_ADDR=" + natsAddr}, "dlq", "list"); code == 0 {
		t.Errorf("dlq list without credentials: exit 0\n%s", out)
	}
	if err := srv.term(30 * time.Second); err != nil {
		t.Error(err)
	}

	// Beyond loopback with no credentials: refused at start, saying why.
	open := start(t, "serve-open", bin("newsbrief"), []string{
		"NEWSBRIEF_DATA=" + t.TempDir(), fmt.Sprintf("NEWSBRIEF_NATS_ADDR=0.0.0.0:%d", freePort(t)),
		fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", freePort(t)),
	}, "serve")
	select {
	case <-open.done:
	case <-time.After(60 * time.Second):
		t.Fatal("serve on 0.0.0.0 without credentials did not exit")
	}
	if out := open.output(); !strings.Contains(out, "loopback") || open.cmd.ProcessState.Success() {
		t.Errorf("serve on 0.0.0.0 without credentials: %v\n%s", open.cmd.ProcessState, out)
	}
}
