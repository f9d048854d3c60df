package postgres

import (
	"context"
	"flag"
	"testing"

	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/storetest"
)

var benchN = flag.Int("store.n", 1_000_000, "indicators in the store benchmarks")

func benchOpen(b *testing.B) store.Store { return openSchema(b) }

// filled returns a store holding storetest.Generate(n), vacuumed (hint
// bits set, statistics taken) so that autovacuum does not run during the
// measurement.
func filled(b *testing.B, n int) store.Store {
	s := openSchema(b)
	if err := storetest.Import(context.Background(), s, storetest.Generate(n)); err != nil {
		b.Fatal(err)
	}
	if _, err := s.pool.Exec(context.Background(), "VACUUM (ANALYZE) indicators"); err != nil {
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
