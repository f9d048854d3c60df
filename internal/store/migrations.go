package store

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one schema migration of a backend, from a file named
// NNNN_name.sql.
type Migration struct {
	Version int
	Name    string // the file name, recorded in schema_migrations
	SQL     string
}

// Migrations reads the *.sql files of dir in fsys (a backend's embedded
// migrations), in version order.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []Migration
	for _, name := range files {
		base := path.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migrate: bad migration name %s", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(body)})
	}
	return out, nil
}

// CheckSchema refuses a database whose newest applied migration is newer
// than the newest this build knows: an older iocast must not write to it.
func CheckSchema(applied int, known []Migration) error {
	latest := 0
	if len(known) > 0 {
		latest = known[len(known)-1].Version
	}
	if applied > latest {
		return fmt.Errorf("database schema %d is newer than this iocast knows (%d): upgrade iocast", applied, latest)
	}
	return nil
}
