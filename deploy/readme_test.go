package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/readme"
)

// TestComposeREADME runs the README's Docker Compose commands verbatim, on
// the offline path the README gives (deploy/prebuilt.sh, then
// COMPOSE_FILE=docker-compose.yml:deploy/compose.ci.yml), against a Docker
// engine: the compose half of services/newsbrief's TestREADME (issue #18).
// The rewrites: the published ports are free ones (localhost:8080 becomes
// the gateway's), the project is newsbrief-readme, and where the v2 plugin
// is absent `docker compose` runs as docker-compose 1.29, as the README
// says. Opt-in like TestComposeEndToEnd: NEWSBRIEF_COMPOSE_E2E set, under
// .ci/docker.sh.
func TestComposeREADME(t *testing.T) {
	if os.Getenv("NEWSBRIEF_COMPOSE_E2E") == "" {
		t.Skip("compose tests are opt-in: NEWSBRIEF_COMPOSE_E2E=1 bash .ci/docker.sh -- go test -run TestComposeREADME ./deploy/")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine reachable (run under .ci/docker.sh): %v: %s", err, firstLine(out))
	}
	cmd := composeCommand(t)
	root := repoRoot(t)
	blocks, err := readme.Blocks(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []readme.Command
	for _, b := range blocks {
		if strings.HasPrefix(b.Section, "Docker Compose") {
			cmds = append(cmds, b.Commands...)
		}
	}
	if len(cmds) == 0 {
		t.Fatal("no ```sh block in the README's Docker Compose section")
	}
	// The offline block's own steps are the environment of the run.
	skip := map[string]string{
		"cp .env.example .env": "would overwrite the developer's .env; the compose defaults are .env.example's",
		"deploy/prebuilt.sh":   "run first, once, by this test",
		"export COMPOSE_FILE=docker-compose.yml:deploy/compose.ci.yml": "set for every command by this test",
	}
	seen := map[string]bool{}
	gw, nats := freePort(t), freePort(t)
	env := append(os.Environ(),
		"COMPOSE_FILE=docker-compose.yml:deploy/compose.ci.yml", "COMPOSE_PROJECT_NAME=newsbrief-readme",
		"NEWSBRIEF_GATEWAY_PORT="+strconv.Itoa(gw), "NEWSBRIEF_NATS_PORT="+strconv.Itoa(nats),
		"OPENAI_BASE_URL=", "OPENAI_API_KEY=")
	mustRun(t, root, env, 10*time.Minute, "bash", "deploy/prebuilt.sh")
	t.Cleanup(func() {
		_, _ = runCmd(root, env, 2*time.Minute, cmd[0], append(cmd[1:], "down", "-v", "--remove-orphans")...)
	})

	prelude := fmt.Sprintf("set -o pipefail\nnats() { command nats --server nats://127.0.0.1:%d \"$@\"; }\n", nats)
	if cmd[0] != "docker" {
		prelude += "docker() { if [ \"$1\" = compose ]; then shift; command docker-compose \"$@\"; else command docker \"$@\"; fi; }\n"
	}
	_, haveNATS := exec.LookPath("nats")
	for _, c := range cmds {
		prog := c.Program()
		if why, ok := skip[prog]; ok {
			seen[prog] = true
			t.Logf("README.md:%d: skipped %q: %s", c.Line, prog, why)
			continue
		}
		if strings.HasPrefix(prog, "nats ") && haveNATS != nil {
			t.Logf("README.md:%d: skipped %q: the nats CLI is not installed", c.Line, prog)
			continue
		}
		text := strings.ReplaceAll(c.Text, "localhost:8080", "127.0.0.1:"+strconv.Itoa(gw))
		sh := exec.Command("bash", "-c", prelude+text)
		follows := strings.Contains(prog, "logs -f")
		if follows {
			// Follows until stopped: a bounded look at what it prints;
			// timeout's 124 is the expected end.
			sh = exec.Command("timeout", "10", "bash", "-c", prelude+text)
		}
		start := time.Now()
		sh.Dir, sh.Env = root, env
		var out bytes.Buffer
		sh.Stdout, sh.Stderr = &out, &out
		if err := runBoundedCmd(sh, 10*time.Minute); err != nil && !(follows && sh.ProcessState != nil && sh.ProcessState.ExitCode() == 124) {
			t.Fatalf("README.md:%d: %q: %v\n%s", c.Line, prog, err, tail(out.Bytes(), 3000))
		}
		t.Logf("README.md:%d: ok %q (%s)\n%s", c.Line, prog, time.Since(start).Round(time.Millisecond), tail(out.Bytes(), 400))
		if strings.HasPrefix(prog, "docker compose up -d --build") {
			waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/readyz", gw), 2*time.Minute)
		}
	}
	for prog := range skip {
		if !seen[prog] {
			t.Errorf("the README's Docker Compose section no longer has %q: update TestComposeREADME", prog)
		}
	}
}

func runBoundedCmd(cmd *exec.Cmd, limit time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("killed after %s", limit)
	}
}
