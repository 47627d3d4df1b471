package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"go.yaml.in/yaml/v4"
)

func TestComposeCluster(t *testing.T) {
	for _, files := range [][]string{
		{"docker-compose.yml", "deploy/compose.cluster.yml"},
		{"docker-compose.yml", "deploy/compose.ci.yml", "deploy/compose.cluster.yml", "deploy/compose.cluster.ci.yml"},
	} {
		t.Run(strings.Join(files, "+"), func(t *testing.T) {
			p := loadCompose(t, nil, files...)
			for _, n := range []string{"nats", "n2", "n3"} {
				if _, ok := p.Services[n]; !ok {
					t.Fatalf("no NATS node %s", n)
				}
			}
			for _, name := range workers {
				s := p.Services[name]
				if got := strings.Split(envOf(s, "NATS_URL"), ","); len(got) != 3 {
					t.Errorf("%s: NATS_URL = %v, want the three nodes", name, got)
				}
				if got := envOf(s, "NEWSBRIEF_REPLICAS"); got != "3" {
					t.Errorf("%s: NEWSBRIEF_REPLICAS = %q, want 3", name, got)
				}
				for _, n := range []string{"nats", "n2", "n3"} {
					if s.DependsOn[n].Condition != "service_healthy" {
						t.Errorf("%s: depends_on %s = %+v, want service_healthy", name, n, s.DependsOn[n])
					}
				}
				for key := range s.Environment {
					if _, ok := configEnv[key]; !ok {
						t.Errorf("%s sets undocumented %s", name, key)
					}
				}
			}
		})
	}
}

func TestComposeAuth(t *testing.T) {
	env := map[string]string{}
	for _, w := range workers {
		env["NATS_"+strings.ToUpper(w)+"_PASSWORD"] = "pw-" + w
	}
	for _, u := range []string{"producer", "ops"} {
		env["NATS_"+strings.ToUpper(u)+"_PASSWORD"] = "pw-" + u
	}
	p := loadCompose(t, env, "docker-compose.yml", "deploy/compose.auth.yml")
	for _, w := range workers {
		s := p.Services[w]
		if got := envOf(s, "NATS_USER"); got != w {
			t.Errorf("%s: NATS_USER = %q, want %q", w, got, w)
		}
		if got := envOf(s, "NATS_PASSWORD"); got != "pw-"+w {
			t.Errorf("%s: NATS_PASSWORD = %q, want its own password", w, got)
		}
		// Workers may not change a stream: they only bind, after setup.
		if got := envOf(s, "NEWSBRIEF_BIND_ONLY"); got != "1" {
			t.Errorf("%s: NEWSBRIEF_BIND_ONLY = %q, want 1", w, got)
		}
		if s.DependsOn["setup"].Condition != "service_completed_successfully" {
			t.Errorf("%s: depends_on setup = %+v, want service_completed_successfully", w, s.DependsOn["setup"])
		}
	}
	setup := p.Services["setup"]
	if got := envOf(setup, "NATS_USER"); got != "ops" || envOf(setup, "NATS_PASSWORD") != "pw-ops" || len(setup.Command) != 1 || setup.Command[0] != "setup" {
		t.Errorf("setup: NATS_USER %q, command %v; want ops running setup", got, setup.Command)
	}
}

// Every NATS config we ship is accepted by the server version in go.mod.
func TestNATSConfigs(t *testing.T) {
	for _, w := range append(append([]string(nil), workers...), "producer", "ops") {
		t.Setenv("NATS_"+strings.ToUpper(w)+"_PASSWORD", "pw-"+w)
	}
	t.Setenv("POD_NAME", "nats-0")
	k8sConf := filepath.Join(t.TempDir(), "k8s-nats.conf")
	if err := os.WriteFile(k8sConf, []byte(k8sNATSConf(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	tests := []struct {
		file      string
		jetstream bool
		routes    int
		users     int
	}{
		{filepath.Join(root, "deploy/nats/jetstream.conf"), true, 0, 0},
		{filepath.Join(root, "deploy/nats/jetstream-auth.conf"), true, 0, len(workers) + 2}, // + producer, ops
		{filepath.Join(root, "deploy/nats/cluster/n1.conf"), true, 3, 0},
		{filepath.Join(root, "deploy/nats/cluster/n2.conf"), true, 3, 0},
		{filepath.Join(root, "deploy/nats/cluster/n3.conf"), true, 3, 0},
		{k8sConf, true, 3, 0},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			o, err := server.ProcessConfigFile(tt.file)
			if err != nil {
				t.Fatalf("nats-server rejects %s: %v", tt.file, err)
			}
			if o.JetStream != tt.jetstream || o.StoreDir != "/data" {
				t.Errorf("jetstream = %v store %q, want %v /data", o.JetStream, o.StoreDir, tt.jetstream)
			}
			if o.HTTPPort != 8222 {
				t.Errorf("monitor port = %d, want 8222 (the healthchecks use it)", o.HTTPPort)
			}
			if got := len(o.Routes); got != tt.routes {
				t.Errorf("routes = %d, want %d", got, tt.routes)
			}
			if got := len(o.Users); got != tt.users {
				t.Errorf("users = %d, want %d", got, tt.users)
			}
			for _, u := range o.Users {
				if u.Username == "ops" {
					// Operators and `setup`: everything, by design.
					if u.Password == "" {
						t.Error("user ops has no password")
					}
					continue
				}
				if u.Password == "" || u.Permissions == nil || u.Permissions.Publish == nil {
					t.Errorf("user %s: empty password or no publish permissions", u.Username)
					continue
				}
				if slices.Contains(u.Permissions.Publish.Allow, ">") {
					t.Errorf("user %s may publish anywhere", u.Username)
				}
				if want := "dlq." + u.Username; u.Username != "gateway" && u.Username != "producer" && !slices.Contains(u.Permissions.Publish.Allow, want) {
					t.Errorf("user %s cannot publish its dead letters %s", u.Username, want)
				}
				for _, a := range u.Permissions.Publish.Allow {
					if strings.Contains(a, "STREAM.CREATE") || strings.Contains(a, "STREAM.UPDATE") || strings.Contains(a, "STREAM.PURGE") || strings.Contains(a, "STREAM.DELETE") {
						t.Errorf("user %s may change streams (%s): workers only bind", u.Username, a)
					}
				}
			}
		})
	}
}

// k8sNATSConf returns nats.conf from the ConfigMap in deploy/k8s/nats.yaml.
func k8sNATSConf(t testing.TB) string {
	t.Helper()
	for _, d := range k8sDocs(t, "nats.yaml") {
		if d.Kind == "ConfigMap" {
			if c := d.Data["nats.conf"]; c != "" {
				return c
			}
		}
	}
	t.Fatal("deploy/k8s/nats.yaml has no ConfigMap with nats.conf")
	return ""
}

// k8sObject is the part of a manifest the tests look at.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Replicas             *int `yaml:"replicas"`
		VolumeClaimTemplates []struct {
			Metadata struct {
				Name string `yaml:"name"`
			} `yaml:"metadata"`
		} `yaml:"volumeClaimTemplates"`
		ClusterIP string `yaml:"clusterIP"`
		Template  struct {
			Spec struct {
				Containers []struct {
					Name  string `yaml:"name"`
					Image string `yaml:"image"`
					Env   []struct {
						Name string `yaml:"name"`
					} `yaml:"env"`
					LivenessProbe  *probe `yaml:"livenessProbe"`
					ReadinessProbe *probe `yaml:"readinessProbe"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
	} `yaml:"httpGet"`
}

func k8sDocs(t testing.TB, file string) []k8sObject {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy/k8s", file))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []k8sObject
	for {
		var d k8sObject
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("parsing deploy/k8s/%s document %d: %v", file, len(docs)+1, err)
		}
		docs = append(docs, d)
	}
}

func TestK8sManifests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy/k8s/*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/k8s (%v)", err)
	}
	byKind := map[string]map[string]k8sObject{}
	for _, f := range files {
		for i, d := range k8sDocs(t, filepath.Base(f)) {
			if d.APIVersion == "" || d.Kind == "" || (d.Metadata.Name == "" && d.Kind != "Kustomization") {
				t.Errorf("%s document %d: apiVersion %q kind %q name %q; all are required", filepath.Base(f), i+1, d.APIVersion, d.Kind, d.Metadata.Name)
			}
			if byKind[d.Kind] == nil {
				byKind[d.Kind] = map[string]k8sObject{}
			}
			byKind[d.Kind][d.Metadata.Name] = d
		}
	}
	ss, ok := byKind["StatefulSet"]["nats"]
	if !ok || ss.Spec.Replicas == nil || *ss.Spec.Replicas != 3 || len(ss.Spec.VolumeClaimTemplates) == 0 {
		t.Errorf("StatefulSet nats = %+v, want 3 replicas with a volume claim template", ss.Spec)
	}
	if h := byKind["Service"]["nats-headless"]; h.Spec.ClusterIP != "None" {
		t.Errorf("Service nats-headless clusterIP = %q, want None", h.Spec.ClusterIP)
	}
	if _, ok := byKind["Service"]["gateway"]; !ok {
		t.Errorf("no gateway Service")
	}
	for _, w := range workers {
		d, ok := byKind["Deployment"][w]
		if !ok {
			t.Errorf("no Deployment %s", w)
			continue
		}
		cs := d.Spec.Template.Spec.Containers
		if len(cs) != 1 {
			t.Errorf("Deployment %s has %d containers, want 1", w, len(cs))
			continue
		}
		c := cs[0]
		if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
			t.Errorf("Deployment %s liveness probe = %+v, want GET /healthz", w, c.LivenessProbe)
		}
		if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
			t.Errorf("Deployment %s readiness probe = %+v, want GET /readyz", w, c.ReadinessProbe)
		}
		for _, e := range c.Env {
			if _, ok := configEnv[e.Name]; !ok {
				t.Errorf("Deployment %s sets undocumented %s", w, e.Name)
			}
		}
	}
}
