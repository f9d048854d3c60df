package sqlite

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/storetest"
)

var benchN = flag.Int("store.n", 1_000_000, "indicators in the store benchmarks")

func benchOpen(b *testing.B) store.Store {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// filled returns a store holding storetest.Generate(n).
func filled(b *testing.B, n int) store.Store {
	s := benchOpen(b)
	if err := storetest.Import(context.Background(), s, storetest.Generate(n)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkImport(b *testing.B) { storetest.BenchImport(b, benchOpen, *benchN) }

func BenchmarkReimport(b *testing.B) { storetest.BenchReimport(b, benchOpen, *benchN) }

func BenchmarkReimportSame(b *testing.B) { storetest.BenchReimportSame(b, benchOpen, *benchN) }

func BenchmarkLookup(b *testing.B) { storetest.BenchLookup(b, filled(b, *benchN), *benchN) }

func BenchmarkExport(b *testing.B) { storetest.BenchExport(b, filled(b, *benchN), *benchN) }
