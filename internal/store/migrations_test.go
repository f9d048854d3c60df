package store

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iocast/iocast/intel"
)

func TestMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql": {Data: []byte("B")},
		"m/0001_init.sql": {Data: []byte("A")},
		"m/README":        {Data: []byte("not a migration")},
	}
	ms, err := Migrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[0].Name != "0001_init.sql" || ms[0].SQL != "A" || ms[1].Version != 2 {
		t.Fatalf("Migrations = %+v", ms)
	}
	if err := CheckSchema(2, ms); err != nil {
		t.Errorf("CheckSchema(2): %v", err)
	}
	if err := CheckSchema(3, ms); err == nil || !strings.Contains(err.Error(), "upgrade iocast") {
		t.Errorf("CheckSchema(3) = %v, want an upgrade hint", err)
	}
	if _, err := Migrations(fstest.MapFS{"m/init.sql": {}}, "m"); err == nil {
		t.Error("a migration without a version was accepted")
	}
}

func TestCheckPost(t *testing.T) {
	p, err := CheckPost(Post{Platform: "x"})
	if err != nil || p.State != PostDraft {
		t.Errorf("CheckPost = %+v, %v; want a draft", p, err)
	}
	if _, err := CheckPost(Post{}); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("post without platform: %v", err)
	}
	if _, err := CheckPost(Post{Platform: "x", State: "gone"}); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("unknown state: %v", err)
	}
}
