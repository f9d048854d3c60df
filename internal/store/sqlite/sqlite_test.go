package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "iocast.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "iocast.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("mode = %v, want 0600", m)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iocast.db")
	for i := range 2 {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		ms, _ := store.Migrations(migrations, "migrations")
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
			t.Errorf("open %d: %d migrations recorded, %v; want %d", i, n, err, len(ms))
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iocast.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (999, 'future', 0)`)
	s.Close()
	if _, err := Open(context.Background(), path); err == nil {
		t.Error("a store with a newer schema opened")
	}
}

// TestMigrateKeepsPosts opens a store written by the first schema: the
// rebuilt posts table of migration 2 keeps its posts.
func TestMigrateKeepsPosts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations(migrations, "migrations")
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)`,
		ms[0].SQL,
		`INSERT INTO schema_migrations VALUES (1, '` + ms[0].Name + `', 0)`,
		`INSERT INTO posts (platform, text, state, remote_id, created, updated) VALUES ('mastodon', 'old post', 'published', '109', 1, 2)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Outbox().Posts(context.Background(), store.PostFilter{})
	if err != nil || len(got) != 1 || got[0].Text != "old post" || got[0].RemoteID != "109" || got[0].State != store.PostPublished {
		t.Fatalf("posts after migration = %+v, %v", got, err)
	}
}

// TestMigrateKeyIndex opens a store written by schema 2: migration 3
// replaces its key and rdomain indexes by one, and the indicators stay
// found, merged and revoked by value.
func TestMigrateKeyIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations(migrations, "migrations")
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)`,
		ms[0].SQL, ms[1].SQL,
		`INSERT INTO schema_migrations VALUES (1, '` + ms[0].Name + `', 0), (2, '` + ms[1].Name + `', 0)`,
		`INSERT INTO indicators (kind, value, port, rdomain, first_seen, last_seen, sources) VALUES
			('domain', 'evil.com', 0, 'com.evil', 1640995200000000, 1641081600000000, '["old"]'),
			('domain', 'a.evil.com', 0, 'com.evil.a', 1640995200000000, 1641081600000000, '["old"]'),
			('domain', 'evil-corp.com', 0, 'com.evil-corp', 1640995200000000, 1641081600000000, '["old"]'),
			('ipv4', '192.0.2.1', 443, NULL, 1640995200000000, 1641081600000000, '["old"]'),
			('ipv4', '192.0.2.1', 0, NULL, 1640995200000000, 1641081600000000, '["old"]')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.CheckMigratedIndicators(t, s)
}
