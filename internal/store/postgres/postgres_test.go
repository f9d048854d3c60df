package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/storetest"
)

// EnvDSN names the variable holding the DSN of the test server. .ci/run
// sets it.
const EnvDSN = "IOCAST_TEST_POSTGRES"

// testDSN returns the DSN of the test server, or skips saying how to set it.
func testDSN(tb testing.TB) string {
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		tb.Skipf("PostgreSQL store NOT TESTED: set %s to a PostgreSQL DSN (.ci/run sets it, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvDSN)
	}
	return dsn
}

// openSchema returns a store in a new schema of the test database, dropped
// when the test ends.
func openSchema(tb testing.TB) *Store {
	s, err := Open(context.Background(), newSchema(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// newSchema creates a schema in the test database, dropped when the test
// ends, and returns the DSN that works in it.
func newSchema(tb testing.TB) string {
	dsn := testDSN(tb)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("%s: %v", EnvDSN, err)
	}
	schema := fmt.Sprintf("iocast_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close(ctx)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openSchema(t) })
}

func TestReopenKeepsSchema(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	if err := s.migrate(context.Background()); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	ms, _ := store.Migrations(migrations, "migrations")
	var n int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Errorf("%d migrations recorded, %v; want %d", n, err, len(ms))
	}
}

func TestIsDSN(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "./iocast.db": false, "/var/lib/iocast.db": false,
	} {
		if got := IsDSN(dsn); got != want {
			t.Errorf("IsDSN(%q) = %v, want %v", dsn, got, want)
		}
	}
}

// schemaAt returns the DSN of a new schema holding the store's schema at
// version v (migrations 1 to v applied and recorded), and a connection to
// it, closed when the test ends.
func schemaAt(t *testing.T, v int) (string, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	dsn := newSchema(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations(migrations, "migrations")
	for _, m := range ms[:v] {
		if _, err := conn.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations VALUES ($1, $2, now())`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	return dsn, conn
}

// TestMigrateKeyIndex opens a store written by schema 2: migration 3
// replaces its key and rdomain indexes by one, and the indicators stay
// found, merged and revoked by value.
func TestMigrateKeyIndex(t *testing.T) {
	ctx := context.Background()
	dsn, conn := schemaAt(t, 2)
	for _, q := range []string{
		`INSERT INTO indicators (kind, value, port, rdomain, first_seen, last_seen, sources) VALUES
			('domain', 'evil.com', 0, 'com.evil', '2022-01-01Z', '2022-01-02Z', '{old}'),
			('domain', 'a.evil.com', 0, 'com.evil.a', '2022-01-01Z', '2022-01-02Z', '{old}'),
			('domain', 'evil-corp.com', 0, 'com.evil-corp', '2022-01-01Z', '2022-01-02Z', '{old}'),
			('ipv4', '192.0.2.1', 443, NULL, '2022-01-01Z', '2022-01-02Z', '{old}'),
			('ipv4', '192.0.2.1', 0, NULL, '2022-01-01Z', '2022-01-02Z', '{old}')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckMigratedIndicators(t, s)
}
