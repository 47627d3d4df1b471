// Package rmtest gives tests every read model store to run one suite
// against: the embedded SQLite store in a temporary directory, and
// PostgreSQL when NEWSBRIEF_TEST_PG_URL names a server (.ci/postgres.sh
// starts one). Each PostgreSQL store lives in a schema of its own, dropped
// when the test ends.
package rmtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/newsbrief/newsbrief/pkg/readmodel"
)

// PGEnv names the PostgreSQL server the tests use.
const PGEnv = "NEWSBRIEF_TEST_PG_URL"

// Kinds maps each store kind ("sqlite", "postgres") to a way to open a
// fresh store of that kind, each call a new, empty one. The PostgreSQL kind
// is there only when the server is configured; under CI (CI=true) a
// missing server fails the test instead of skipping it.
func Kinds(t testing.TB) map[string]func(t testing.TB) (store readmodel.Store, reopen func() readmodel.Store) {
	kinds := map[string]func(t testing.TB) (readmodel.Store, func() readmodel.Store){
		"sqlite": func(t testing.TB) (readmodel.Store, func() readmodel.Store) {
			dir := t.TempDir()
			open := func() readmodel.Store {
				s, err := readmodel.OpenSQLite(context.Background(), dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			return open(), open
		},
	}
	base := os.Getenv(PGEnv)
	switch {
	case base != "":
		kinds["postgres"] = func(t testing.TB) (readmodel.Store, func() readmodel.Store) {
			u := schemaURL(t, base)
			open := func() readmodel.Store {
				s, err := readmodel.OpenPostgres(context.Background(), u)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			return open(), open
		}
	case os.Getenv("CI") == "true":
		t.Errorf("%s is not set under CI: .ci/run must start PostgreSQL (.ci/postgres.sh)", PGEnv)
	default:
		t.Logf("%s is not set: the PostgreSQL store is not tested (bash .ci/postgres.sh -- go test ... runs it)", PGEnv)
	}
	return kinds
}

// schemaURL creates a schema of its own for t and returns base with it as
// the search path.
func schemaURL(t testing.TB, base string) string {
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", PGEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Model returns a model over a fresh embedded store, closed when t ends.
func Model(t testing.TB) *readmodel.Model {
	t.Helper()
	s, err := readmodel.OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := readmodel.NewModel(s)
	m.SetLag(0)
	return m
}
