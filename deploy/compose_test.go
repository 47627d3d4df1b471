package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/newsbrief/newsbrief/pkg/news"
	"github.com/newsbrief/newsbrief/pkg/service"
)

// configEnv is every environment variable the services read: service.Env
// (the config contract the README table is made from) plus the LLM settings
// that llm.ConfigFromEnv reads. A compose file or manifest that sets
// anything else is passing a typo or a setting nobody reads.
var configEnv = func() map[string]string {
	m := map[string]string{}
	for _, e := range service.Env {
		m[e.Name] = e.Help
	}
	// From the doc comment of llm.ConfigFromEnv (pkg/llm/config.go).
	for _, name := range []string{
		"OPENAI_BASE_URL", "OPENAI_API_KEY", "NEWSBRIEF_LLM_MODEL",
		"NEWSBRIEF_LLM_TIMEOUT", "NEWSBRIEF_LLM_RETRIES", "NEWSBRIEF_LLM_CONCURRENCY",
		"NEWSBRIEF_LLM_DAILY_TOKENS", "NEWSBRIEF_LLM_BUDGET_MODE",
		"NEWSBRIEF_BRIEF_LANGUAGES", "NEWSBRIEF_LLM_PRICES",
	} {
		m[name] = "LLM setting (llm.ConfigFromEnv)"
	}
	return m
}()

// workers are the pipeline containers, each built from deploy/Dockerfile
// with SERVICE set to its own name: one per row of news.Topology, and the
// gateway.
var workers = func() []string {
	var ws []string
	for _, s := range news.Topology {
		ws = append(ws, s.Binary)
	}
	return append(ws, "gateway")
}()

// repoRoot is the repository root: the parent of this package's directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("finding the repository root: %v", err)
	}
	return root
}

// loadCompose loads compose files (relative to the repository root) the way
// `docker compose` does, with env as the only environment.
func loadCompose(t testing.TB, env map[string]string, files ...string) *types.Project {
	t.Helper()
	root := repoRoot(t)
	var cfgs []types.ConfigFile
	for _, f := range files {
		cfgs = append(cfgs, types.ConfigFile{Filename: filepath.Join(root, f)})
	}
	environ := map[string]string{} // the loader adds to it; keep the caller's
	for k, v := range env {
		environ[k] = v
	}
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: cfgs,
		Environment: environ,
	}, func(o *loader.Options) {
		o.SetProjectName("newsbrief-e2e", true)
	})
	if err != nil {
		t.Fatalf("loading %v: %v", files, err)
	}
	return p
}

// composeSets are the file combinations we document; each must load.
var composeSets = [][]string{
	{"docker-compose.yml"},
	{"docker-compose.yml", "deploy/compose.ci.yml"},
}

func TestComposeFilesLoad(t *testing.T) {
	for _, files := range composeSets {
		t.Run(strings.Join(files, "+"), func(t *testing.T) {
			p := loadCompose(t, nil, files...)
			var got []string
			for name := range p.Services {
				got = append(got, name)
			}
			sort.Strings(got)
			want := append([]string{"nats"}, workers...)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("services = %v, want %v", got, want)
			}
		})
	}
}

func TestComposeEnvironmentIsDocumented(t *testing.T) {
	for _, files := range composeSets {
		p := loadCompose(t, nil, files...)
		for _, name := range workers {
			for key := range p.Services[name].Environment {
				if _, ok := configEnv[key]; !ok {
					t.Errorf("%v: service %s sets %s, which is not a documented config variable", files, name, key)
				}
			}
		}
	}
}

func TestComposeWorkers(t *testing.T) {
	p := loadCompose(t, nil, "docker-compose.yml")
	for _, name := range workers {
		t.Run(name, func(t *testing.T) {
			s := p.Services[name]
			if got := s.Restart; got != "unless-stopped" {
				t.Errorf("restart = %q, want unless-stopped", got)
			}
			dep, ok := s.DependsOn["nats"]
			if !ok || dep.Condition != "service_healthy" {
				t.Errorf("depends_on nats = %+v (present %v), want condition service_healthy", dep, ok)
			}
			if s.Build == nil {
				t.Fatalf("no build section")
			}
			if got, want := s.Build.Dockerfile, "deploy/Dockerfile"; got != want {
				t.Errorf("dockerfile = %q, want %q", got, want)
			}
			if got := s.Build.Args["SERVICE"]; got == nil || *got != name {
				t.Errorf("build arg SERVICE = %v, want %q", got, name)
			}
			if got, want := envOf(s, "NATS_URL"), "nats://nats:4222"; got != want {
				t.Errorf("NATS_URL = %q, want %q", got, want)
			}
			wantAddr := ":9090"
			if name == "gateway" {
				wantAddr = ":8080"
			}
			if got := envOf(s, "NEWSBRIEF_HTTP_ADDR"); got != wantAddr {
				t.Errorf("NEWSBRIEF_HTTP_ADDR = %q, want %q", got, wantAddr)
			}
			if name != "gateway" && len(s.Ports) > 0 {
				t.Errorf("publishes ports %+v; only the gateway should", s.Ports)
			}
		})
	}
}

func TestComposeGatewayPort(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantIP   string
		wantPort string
	}{
		{"default", nil, "127.0.0.1", "8080"},
		{"overridden", map[string]string{"NEWSBRIEF_GATEWAY_BIND": "0.0.0.0", "NEWSBRIEF_GATEWAY_PORT": "18080"}, "0.0.0.0", "18080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ports := loadCompose(t, tt.env, "docker-compose.yml").Services["gateway"].Ports
			if len(ports) != 1 {
				t.Fatalf("gateway ports = %+v, want exactly one", ports)
			}
			got := ports[0]
			if got.Target != 8080 || got.Published != tt.wantPort || got.HostIP != tt.wantIP {
				t.Errorf("gateway port = %s:%s->%d, want %s:%s->8080", got.HostIP, got.Published, got.Target, tt.wantIP, tt.wantPort)
			}
		})
	}
}

func TestComposeLLMSettingsPassThrough(t *testing.T) {
	env := map[string]string{
		"OPENAI_BASE_URL":     "http://llm.example:11434/v1",
		"OPENAI_API_KEY":      "k",
		"NEWSBRIEF_LLM_MODEL": "m",
	}
	p := loadCompose(t, env, "docker-compose.yml")
	for _, name := range []string{"entities", "summarise"} {
		for k, want := range env {
			if got := envOf(p.Services[name], k); got != want {
				t.Errorf("%s: %s = %q, want %q", name, k, got, want)
			}
		}
	}
	// Keys go only where they are used.
	for _, name := range []string{"ingest", "langdetect", "gateway"} {
		if _, ok := p.Services[name].Environment["OPENAI_API_KEY"]; ok {
			t.Errorf("%s gets OPENAI_API_KEY; only the LLM stages should", name)
		}
	}
}

func TestComposeNATS(t *testing.T) {
	for _, files := range composeSets {
		t.Run(strings.Join(files, "+"), func(t *testing.T) {
			p := loadCompose(t, nil, files...)
			n := p.Services["nats"]
			if n.HealthCheck == nil || len(n.HealthCheck.Test) == 0 {
				t.Fatalf("nats has no healthcheck")
			}
			var data bool
			for _, v := range n.Volumes {
				if v.Type == "volume" && v.Source == "nats-data" && v.Target == "/data" {
					data = true
				}
			}
			if !data {
				t.Errorf("nats volumes = %+v, want named volume nats-data at /data", n.Volumes)
			}
			if _, ok := p.Volumes["nats-data"]; !ok {
				t.Errorf("top-level volumes = %v, want nats-data", p.Volumes)
			}
			// Published for producers and the nats CLI on the host, on
			// loopback only (issue #18 item 9).
			if len(n.Ports) != 1 || n.Ports[0].HostIP != "127.0.0.1" || n.Ports[0].Target != 4222 || n.Ports[0].Published != "4222" {
				t.Errorf("nats publishes %+v; want 127.0.0.1:4222 only", n.Ports)
			}
		})
	}
}

// Issue #18 item 9: a NATS_URL exported in the user's shell (for the nats
// CLI) does not reach the containers, and the gateway gets every setting
// it reads.
func TestComposeEnvironment(t *testing.T) {
	p := loadCompose(t, map[string]string{"NATS_URL": "nats://127.0.0.1:4222", "NEWSBRIEF_RATE_LIMIT": "5/s"}, "docker-compose.yml")
	for _, name := range workers {
		if got := envOf(p.Services[name], "NATS_URL"); got != "nats://nats:4222" {
			t.Errorf("%s: NATS_URL = %q with NATS_URL exported on the host; want nats://nats:4222", name, got)
		}
	}
	gw := p.Services["gateway"]
	for _, k := range []string{"NEWSBRIEF_FEEDS", "NEWSBRIEF_INBOX", "NEWSBRIEF_RATE_LIMIT", "NEWSBRIEF_PUBLIC_URL", "NEWSBRIEF_MAX_BYTES", "NEWSBRIEF_TRUSTED_PROXIES", "NEWSBRIEF_API_TOKEN"} {
		if _, ok := gw.Environment[k]; !ok {
			t.Errorf("the gateway does not get %s", k)
		}
	}
	if got := envOf(gw, "NEWSBRIEF_RATE_LIMIT"); got != "5/s" {
		t.Errorf("gateway NEWSBRIEF_RATE_LIMIT = %q, want the .env value 5/s", got)
	}
	if got := envOf(p.Services["ingest"], "NEWSBRIEF_MAX_BYTES"); got != "1048576" {
		t.Errorf("ingest NEWSBRIEF_MAX_BYTES = %q, want the gateway's default", got)
	}
	in := loadCompose(t, nil, "docker-compose.yml", "deploy/compose.inbox.yml").Services["gateway"]
	inboxMounted := slices.ContainsFunc(in.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == "/inbox" })
	if got := envOf(in, "NEWSBRIEF_INBOX"); got != "/inbox" || !inboxMounted {
		t.Errorf("compose.inbox.yml: NEWSBRIEF_INBOX %q, volumes %+v; want /inbox mounted", got, in.Volumes)
	}
}

func TestComposeCIOverridePullsNothing(t *testing.T) {
	p := loadCompose(t, nil, "docker-compose.yml", "deploy/compose.ci.yml")
	for _, name := range workers {
		if b := p.Services[name].Build; b == nil || b.Dockerfile != "deploy/Dockerfile.prebuilt" {
			t.Errorf("%s: build = %+v, want deploy/Dockerfile.prebuilt", name, b)
		}
	}
	n := p.Services["nats"]
	if n.Build == nil || n.Build.Dockerfile != "deploy/nats/Dockerfile" {
		t.Errorf("nats build = %+v, want deploy/nats/Dockerfile", n.Build)
	}
	if got := n.HealthCheck.Test; !slices.Equal(got, []string{"CMD", "/natshealth"}) {
		t.Errorf("nats healthcheck = %v, want [CMD /natshealth]", got)
	}
	// Every FROM in the Dockerfiles the CI builds must be scratch or an
	// earlier stage, or the build would try to pull.
	for _, df := range []string{"deploy/Dockerfile.prebuilt", "deploy/nats/Dockerfile"} {
		for _, from := range fromLines(t, df) {
			if from != "scratch" {
				t.Errorf("%s: FROM %s would pull", df, from)
			}
		}
	}
}

// Both service Dockerfiles make the same final image: scratch, non-root,
// /app with its healthcheck. Neither may have a # syntax= line (BuildKit
// would pull the frontend image).
func TestDockerfiles(t *testing.T) {
	common := []string{"USER 65532:65532", `ENTRYPOINT ["/app"]`, `CMD ["/app", "healthcheck"]`}
	tests := []struct {
		file string
		want []string
	}{
		{"deploy/Dockerfile", append([]string{"CGO_ENABLED=0", "-trimpath", "ca-certificates.crt"}, common...)},
		{"deploy/Dockerfile.prebuilt", append([]string{"COPY bin/rootfs/ /", "COPY bin/${SERVICE} /app"}, common...)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			froms := fromLines(t, tt.file)
			if len(froms) == 0 || !strings.HasPrefix(froms[len(froms)-1], "scratch") {
				t.Errorf("stages FROM %q, want the last to be scratch", froms)
			}
			b, err := os.ReadFile(filepath.Join(repoRoot(t), tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(string(b), want) {
					t.Errorf("%s lacks %q", tt.file, want)
				}
			}
			if regexp.MustCompile(`(?mi)^#\s*syntax=`).Match(b) {
				t.Errorf("%s has a # syntax= line; BuildKit would pull the frontend image", tt.file)
			}
		})
	}
}

// Every variable docker-compose.yml interpolates is documented in .env.example.
func TestEnvExampleCoversCompose(t *testing.T) {
	root := repoRoot(t)
	compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\$\{([A-Z0-9_]+)`).FindAllStringSubmatch(string(compose), -1)
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#?\s*([A-Z0-9_]+)=`).FindAllStringSubmatch(string(example), -1) {
		documented[m[1]] = true
	}
	for _, m := range used {
		if !documented[m[1]] {
			t.Errorf("docker-compose.yml uses ${%s} but .env.example does not document it", m[1])
		}
	}
}

func fromLines(t testing.TB, dockerfile string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), dockerfile))
	if err != nil {
		t.Fatalf("reading %s: %v", dockerfile, err)
	}
	var froms []string
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "FROM "); ok {
			froms = append(froms, strings.TrimSpace(rest))
		}
	}
	return froms
}

// envOf returns a service's environment value ("" when unset or null).
func envOf(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// Issue #18 item 8: the build context leaves out the quick-start binary,
// data/ and .env (which may hold OPENAI_API_KEY and would be copied by
// COPY . .), and deploy/Dockerfile builds every service in one stage that
// does not depend on SERVICE, so the five images share one Go build.
func TestBuildContextAndSharedBuild(t *testing.T) {
	root := repoRoot(t)
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(ignore), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{"/newsbrief", "/data", ".env", ".git"} {
		if !lines[want] {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
	df, err := os.ReadFile(filepath.Join(root, "deploy/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	build, final, ok := strings.Cut(string(df), "\nFROM scratch")
	if !ok {
		t.Fatal("deploy/Dockerfile has no scratch stage")
	}
	build = build[strings.Index(build, "\nFROM "):]
	var code []string
	for _, l := range strings.Split(build, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			code = append(code, l)
		}
	}
	if strings.Contains(strings.Join(code, "\n"), "SERVICE") {
		t.Error("the build stage depends on SERVICE: each image would build the binaries again")
	}
	if !strings.Contains(build, "./services/...") || !strings.Contains(final, "ARG SERVICE") || !strings.Contains(final, "/out/${SERVICE}/app") {
		t.Error("deploy/Dockerfile should build ./services/... once and copy /out/${SERVICE}/app into each image")
	}
}
