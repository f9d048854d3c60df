package stix

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// oasisDir is the OASIS cti-stix2-json-schemas checkout shared by the
// project's tests, relative to this package.
const oasisDir = "../../../../shared/testdata/stix2-json-schemas"

// schemaBase is the prefix of the $id of every OASIS STIX 2.1 schema.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

var (
	schemasMu sync.Mutex
	compiler  *jsonschema.Compiler
	schemas   = map[string]*jsonschema.Schema{}
)

// oasisPath returns a path under oasisDir, failing the test with a clear
// message when the shared test data is missing.
func oasisPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(oasisDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("OASIS STIX 2.1 test data not found at %s (expected a checkout of github.com/oasis-open/cti-stix2-json-schemas at %s): %v", p, oasisDir, err)
	}
	return p
}

// schema compiles the OASIS schema at rel (like "common/bundle.json") from
// disk: every schema file is registered under its $id, so nothing is
// fetched.
func schema(t testing.TB, rel string) *jsonschema.Schema {
	t.Helper()
	dir := oasisPath(t, "schemas")
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if s, ok := schemas[rel]; ok {
		return s
	}
	if compiler == nil {
		c := jsonschema.NewCompiler()
		c.UseLoader(noNetwork{})
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			r, _ := filepath.Rel(dir, path)
			return c.AddResource(schemaBase+filepath.ToSlash(r), doc)
		})
		if err != nil {
			t.Fatalf("load OASIS STIX 2.1 schemas from %s: %v", dir, err)
		}
		compiler = c
	}
	s, err := compiler.Compile(schemaBase + rel)
	if err != nil {
		t.Fatalf("compile OASIS schema %s: %v", rel, err)
	}
	schemas[rel] = s
	return s
}

// noNetwork refuses every URL that was not registered from disk.
type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, &os.PathError{Op: "load", Path: url, Err: fs.ErrNotExist}
}

// validateBundle checks b against the OASIS bundle schema, and every
// object in it against its own type's schema too (the bundle schema lets an
// object that fails its type's schema through as a "custom object").
func validateBundle(t testing.TB, b []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("exported bundle is not JSON: %v\n%s", err, b)
	}
	if err := schema(t, "common/bundle.json").Validate(doc); err != nil {
		t.Fatalf("exported bundle fails the OASIS STIX 2.1 schema: %v", err)
	}
	dir := oasisPath(t, "schemas")
	for i, o := range doc.(map[string]any)["objects"].([]any) {
		typ, _ := o.(map[string]any)["type"].(string)
		rel := ""
		for _, sub := range []string{"sdos", "sros", "observables", "common"} {
			if _, err := os.Stat(filepath.Join(dir, sub, typ+".json")); err == nil {
				rel = sub + "/" + typ + ".json"
			}
		}
		if rel == "" {
			t.Fatalf("objects[%d]: no OASIS schema for type %q", i, typ)
		}
		if err := schema(t, rel).Validate(o); err != nil {
			t.Fatalf("objects[%d] (%s) fails its OASIS schema: %v", i, typ, err)
		}
	}
}
