package deploy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// The postgres profile adds PostgreSQL and gateways that share it as their
// read model; without the profile neither exists, and the default gateway
// keeps its own read model on a volume.
func TestComposePostgresProfile(t *testing.T) {
	root := repoRoot(t)
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "docker-compose.yml")}},
		Environment: map[string]string{"POSTGRES_PASSWORD": "s3cret"},
	}, func(o *loader.Options) {
		o.SetProjectName("newsbrief-pg", true)
		o.Profiles = []string{"postgres"}
	})
	if err != nil {
		t.Fatal(err)
	}
	pg, ok := p.Services["postgres"]
	if !ok {
		t.Fatal("no postgres service in the postgres profile")
	}
	if pg.HealthCheck == nil || !strings.Contains(strings.Join(pg.HealthCheck.Test, " "), "pg_isready") {
		t.Errorf("postgres healthcheck = %+v, want pg_isready", pg.HealthCheck)
	}
	gw, ok := p.Services["gateway-shared"]
	if !ok {
		t.Fatal("no gateway-shared service in the postgres profile")
	}
	if got := envOf(gw, "NEWSBRIEF_DB_URL"); got != "postgres://newsbrief:s3cret@postgres:5432/newsbrief?sslmode=disable" {
		t.Errorf("gateway-shared NEWSBRIEF_DB_URL = %q", got)
	}
	if dep := gw.DependsOn["postgres"]; dep.Condition != "service_healthy" {
		t.Errorf("gateway-shared depends_on postgres = %+v, want service_healthy", dep)
	}
	if gw.Deploy == nil || gw.Deploy.Replicas == nil || *gw.Deploy.Replicas < 2 {
		t.Errorf("gateway-shared replicas = %+v, want at least 2", gw.Deploy)
	}
	if got := *gw.Build.Args["SERVICE"]; got != "gateway" {
		t.Errorf("gateway-shared builds %q", got)
	}

	def := loadCompose(t, nil, "docker-compose.yml")
	if _, ok := def.Services["postgres"]; ok {
		t.Error("postgres runs without the profile")
	}
	g := def.Services["gateway"]
	if envOf(g, "NEWSBRIEF_DB_URL") != "" || envOf(g, "NEWSBRIEF_DATA") != "/data" {
		t.Errorf("default gateway: NEWSBRIEF_DB_URL %q, NEWSBRIEF_DATA %q; want its own read model under /data", envOf(g, "NEWSBRIEF_DB_URL"), envOf(g, "NEWSBRIEF_DATA"))
	}
	if len(g.Volumes) != 1 || g.Volumes[0].Target != "/data" {
		t.Errorf("default gateway volumes = %+v, want one at /data", g.Volumes)
	}
}
