package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/internal/readme"
)

// TestREADME runs every shell command of the README's quick start and CLI
// sections verbatim, the way a new user would: `go run ./services/newsbrief`
// in the background, then each ```sh block as one bash script (so a
// variable set by one command is there for the next) in a scratch copy of
// the repository, against that server. A command passes when it exits 0
// (pipelines included: pipefail) and prints what readmeExpect says.
//
// The only rewrite: the server listens on free loopback ports, so
// "localhost:8080" in a command becomes its address, and NEWSBRIEF_URL,
// NEWSBRIEF_HTTP_ADDR and NEWSBRIEF_NATS_ADDR are set for the commands.
// Commands that need a tool that is missing (nats, jq, curl) are skipped
// with a message; readmeSkip lists the few never run here, each with why.
func TestREADME(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := readme.Blocks(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ws := readmeWorkspace(t, root)
	httpAddr, natsAddr := freePort(t), freePort(t)
	env := readmeEnv(httpAddr, natsAddr)

	// Every block is either run here or accounted for elsewhere.
	var run []readme.Block
	used := map[string]bool{}
	for _, b := range blocks {
		switch {
		case sectionIn(b.Section, readmeSections):
			run = append(run, b)
		case sectionIn(b.Section, keys(readmeElsewhere)):
		default:
			t.Errorf("README.md:%d: a ```sh block in section %q is neither run by TestREADME (readmeSections) nor listed with a reason in readmeElsewhere", b.Line, b.Section)
		}
	}
	if len(run) == 0 {
		t.Fatal("no ```sh block found in the README sections TestREADME runs")
	}

	// The server first: the quick start's first command.
	var server *readme.Command
	for i := range run {
		for j, c := range run[i].Commands {
			if c.Program() == readmeServer {
				server = &run[i].Commands[j]
			}
		}
	}
	if server == nil {
		t.Fatalf("the README no longer starts the server with %q; update readmeServer", readmeServer)
	}
	logs := startReadmeServer(t, ws, env, server.Program(), httpAddr)
	if want := "newsbrief ready: open http://" + httpAddr + "/"; !strings.Contains(logs.String(), want) {
		t.Errorf("the server's log does not say %q (issue #18 item 10):\n%s", want, tail(logs.String(), 2000))
	}

	have := map[string]bool{}
	for _, tool := range []string{"nats", "jq", "curl"} {
		_, err := exec.LookPath(tool)
		have[tool] = err == nil
	}
	for bi, b := range run {
		var script strings.Builder
		out := filepath.Join(t.TempDir(), fmt.Sprint(bi))
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&script, "set -o pipefail\nnats() { NATS_URL=nats://%s command nats \"$@\"; }\n", natsAddr)
		var ran []readme.Command
		for _, c := range b.Commands {
			prog := c.Program()
			if prog == readmeServer {
				continue
			}
			if why, ok := readmeSkip[prog]; ok {
				used[prog] = true
				t.Logf("README.md:%d: skipped %q: %s", c.Line, prog, why)
				continue
			}
			if tool := missingTool(prog, have); tool != "" {
				t.Logf("README.md:%d: skipped %q: %s is not installed", c.Line, prog, tool)
				continue
			}
			i := len(ran)
			ran = append(ran, c)
			text := strings.NewReplacer("localhost:8080", httpAddr, "127.0.0.1:8080", httpAddr).Replace(c.Text)
			if isStreaming(prog) {
				// Runs until stopped: started in the background, stopped
				// when the block ends.
				fmt.Fprintf(&script, "{ %s\n} >%q 2>%q &\necho \"$! %d\" >>%q\n", text, out+"/"+strconv.Itoa(i)+".out", out+"/"+strconv.Itoa(i)+".err", i, out+"/bg")
				continue
			}
			fmt.Fprintf(&script, "{ %s\n} >%q 2>%q\nrc=$?; echo $rc >%q; [ $rc -eq 0 ] || exit 100\n",
				text, out+"/"+strconv.Itoa(i)+".out", out+"/"+strconv.Itoa(i)+".err", out+"/"+strconv.Itoa(i)+".rc")
		}
		// A command still running at the end of its block passes and is
		// stopped (its children first); one that ended passes if it ended
		// with 0.
		fmt.Fprintf(&script, `[ -f %[1]q ] && while read -r pid i; do
  if kill -0 "$pid" 2>/dev/null; then pkill -P "$pid"; kill "$pid" 2>/dev/null; echo 0 >%[2]q/$i.rc
  else wait "$pid"; echo $? >%[2]q/$i.rc; fi
done <%[1]q
exit 0
`, out+"/bg", out)
		cmd := exec.Command("bash", "-c", script.String())
		cmd.Dir, cmd.Env = ws, env
		var combined bytes.Buffer
		cmd.Stdout, cmd.Stderr = &combined, &combined
		err := runBounded(cmd, 10*time.Minute)
		for i, c := range ran {
			rc, _ := os.ReadFile(filepath.Join(out, strconv.Itoa(i)+".rc"))
			stdout, _ := os.ReadFile(filepath.Join(out, strconv.Itoa(i)+".out"))
			stderr, _ := os.ReadFile(filepath.Join(out, strconv.Itoa(i)+".err"))
			code := strings.TrimSpace(string(rc))
			switch {
			case code == "":
				t.Errorf("README.md:%d: %q did not run (an earlier command failed or the block timed out: %v)", c.Line, c.Program(), err)
				continue
			case code != "0":
				t.Errorf("README.md:%d: %q exited %s\nstdout: %s\nstderr: %s\nserver log:\n%s", c.Line, c.Program(), code, tail(string(stdout), 1500), tail(string(stderr), 1500), tail(logs.String(), 1500))
				continue
			}
			if want, ok := readmeExpect[c.Program()]; ok {
				used[c.Program()] = true
				if !strings.Contains(string(stdout), want) {
					t.Errorf("README.md:%d: %q printed %q; want it to contain %q", c.Line, c.Program(), tail(string(stdout), 800), want)
				}
			}
			if testing.Verbose() {
				t.Logf("README.md:%d: ok %q\n%s", c.Line, c.Program(), tail(string(stdout), 300))
			}
		}
		if err != nil && !strings.Contains(err.Error(), "exit status 100") {
			t.Errorf("block at README.md:%d: %v\n%s", b.Line, err, tail(combined.String(), 2000))
		}
	}
	for prog := range readmeSkip {
		if !used[prog] {
			t.Errorf("readmeSkip lists %q, which is no longer in the README's run sections: remove it", prog)
		}
	}
	for prog := range readmeExpect {
		if !used[prog] && !strings.Contains(prog, "jq") {
			t.Errorf("readmeExpect lists %q, which did not run: update it", prog)
		}
	}
}

// readmeSections are the README sections whose ```sh blocks TestREADME
// runs, by heading prefix.
var readmeSections = []string{"Quick start", "Dropping articles in", "Reading briefs", "Command line"}

// readmeElsewhere are the sections with ```sh blocks this test does not
// run, and why.
var readmeElsewhere = map[string]string{
	"The LLM path":   "needs an OpenAI-compatible endpoint; pkg/llm and test/faults run the LLM path against a local fake",
	"Docker Compose": "needs a Docker engine: deploy's TestComposeREADME runs them verbatim (NEWSBRIEF_COMPOSE_E2E=1 under .ci/docker.sh)",
}

// readmeServer is the command that starts the server.
const readmeServer = "go run ./services/newsbrief"

// readmeSkip are commands of the run sections never run here, each with why.
var readmeSkip = map[string]string{
	"go test -race -timeout 30m ./...":              "the test suite itself: CI runs it (.ci/run)",
	"./newsbrief submit https://example.com/news/2": "an example URL: needs the internet and a real article page",
}

// readmeExpect is what some commands must print on standard output.
var readmeExpect = map[string]string{
	"./newsbrief submit --wait --format md testdata/it_article.txt":   "## Una startup di Torino",
	"./newsbrief submit --wait --format md < testdata/en_article.txt": "## Dutch battery maker",
	"./newsbrief -h":                                         "newsbrief submit",
	"./newsbrief submit -h":                                  "usage: newsbrief submit",
	"curl -sS localhost:8080/v1/briefs/$ID":                  `"headline"`,
	"./newsbrief briefs $ID --format md":                     "## Una startup di Torino",
	"./newsbrief brief --jsonl < testdata/articles.jsonl":    `"schema_version"`,
	"./newsbrief brief --lang it testdata/it_article.txt":    `"headline"`,
	"./newsbrief brief < testdata/en_article.txt":            `"headline"`,
	"./newsbrief brief --format md testdata/en_article.html": "## Quantum start-up",
}

func sectionIn(section string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(section, p) {
			return true
		}
	}
	return false
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// missingTool names a tool the command needs that is not installed.
func missingTool(prog string, have map[string]bool) string {
	for _, f := range strings.FieldsFunc(prog, func(r rune) bool { return r == '|' || r == ';' || r == '(' || r == '&' }) {
		if w := strings.Fields(f); len(w) > 0 {
			if ok, known := have[w[0]]; known && !ok {
				return w[0]
			}
		}
	}
	return ""
}

// isStreaming: commands that run until stopped.
func isStreaming(prog string) bool {
	return strings.HasPrefix(prog, "nats sub") || strings.HasPrefix(prog, "nats kv watch") || strings.Contains(prog, "--follow")
}

// readmeWorkspace is a scratch copy of the repository: symlinks to its
// files and directories, so what the commands write (the binary, ./data,
// digest.md) stays out of the repository.
func readmeWorkspace(t *testing.T, root string) string {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "newsbrief")
	if err := os.Mkdir(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case ".git", "newsbrief", "data", "bin", ".env":
			continue
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(ws, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// readmeEnv is the commands' environment: the user's, without settings
// that would point elsewhere, plus the test server's addresses.
func readmeEnv(httpAddr, natsAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NEWSBRIEF_") || strings.HasPrefix(kv, "NATS_") || strings.HasPrefix(kv, "OPENAI_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"NEWSBRIEF_HTTP_ADDR="+httpAddr, "NEWSBRIEF_NATS_ADDR="+natsAddr, "NEWSBRIEF_URL=http://"+httpAddr,
		"NEWSBRIEF_WORKERS=2", "GOFLAGS=-buildvcs=false")
}

// startReadmeServer runs the README's server command in its own process
// group and waits until it is ready; it is stopped with SIGTERM when the
// test ends. The returned buffer collects its log.
func startReadmeServer(t *testing.T, dir string, env []string, command, httpAddr string) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	cmd := exec.Command("bash", "-c", "exec "+command)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Error("the README's server did not stop within 30s of SIGTERM")
		}
	})
	// `go run` links the binary first: up to a few minutes on a busy
	// machine. Ready when /readyz answers 200, or failed when it exits.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Minute)
	for {
		select {
		case err := <-exited:
			t.Fatalf("%q exited before it was ready (%v):\n%s", command, err, tail(logs.String(), 3000))
		case <-deadline:
			t.Fatalf("%q not ready after 5 minutes:\n%s", command, tail(logs.String(), 3000))
		case <-tick.C:
			resp, err := http.Get("http://" + httpAddr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return logs
				}
			}
		}
	}
}

// runBounded runs cmd, killing it after limit.
func runBounded(cmd *exec.Cmd, limit time.Duration) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return fmt.Errorf("killed after %s", limit)
	}
}

// syncBuffer is a bytes.Buffer safe for a process's output and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
