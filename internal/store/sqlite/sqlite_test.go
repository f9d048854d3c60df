package sqlite

import (
	"context"
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
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != 1 {
			t.Errorf("open %d: %d migrations recorded, %v; want 1", i, n, err)
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
