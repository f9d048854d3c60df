package extract

import (
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/iocast/iocast/intel"
)

// oldFingerprint is the fingerprint emitHost took before fingerprint:
// maphash.String of the value.
func oldFingerprint(seed maphash.Seed, v string) uint64 {
	return maphash.String(seed, v)
}

// fingerprintSeeds are the seeds the tests try: fixed ones, and one new
// for each run (a failure prints it).
var fingerprintSeeds = []uint64{0, 1, 0x9E3779B97F4A7C15, ^uint64(0), rand.Uint64()}

// fingerprintValues are values of every length up to 70 that differ from
// one another in one byte, in the length, or in where a byte is.
func fingerprintValues() []string {
	seen := map[string]bool{}
	var vs []string
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			vs = append(vs, v)
		}
	}
	base := strings.Repeat("https://example.com/a/b?c=d#e-0123456789", 2)
	for n := 0; n <= 70; n++ {
		v := base[:n]
		add(v)
		add(strings.Repeat("\x00", n))
		add(strings.Repeat("a", n))
		for i := 0; i < n; i++ {
			for _, c := range []byte{0, 1, '.', 'A', 'a', 'b', 0x7f, 0x80, 0xff, v[i] ^ 0x20, v[i] + 1} {
				b := []byte(v)
				b[i] = c
				add(string(b))
			}
		}
	}
	return vs
}

// No two of fingerprintValues have one fingerprint, for any of the seeds,
// as with maphash; equal values have equal ones.
func TestFingerprintDistinct(t *testing.T) {
	vs := fingerprintValues()
	for _, seed := range fingerprintSeeds {
		fps := make(map[uint64]string, len(vs))
		for _, v := range vs {
			fp := fingerprint(seed, v)
			if w, ok := fps[fp]; ok {
				t.Fatalf("seed %#x: fingerprint(%q) = fingerprint(%q) = %#x", seed, v, w, fp)
			}
			fps[fp] = v
			if fingerprint(seed, strings.Clone(v)) != fp {
				t.Fatalf("seed %#x: fingerprint(%q) changes", seed, v)
			}
		}
		// The table index (the low bits) is spread: no slot of a 1024-slot
		// table gets more than a few times its share.
		var slots [1024]int
		for fp := range fps {
			slots[fp&1023]++
		}
		for i, n := range slots {
			if n > 8*len(fps)/1024+16 {
				t.Fatalf("seed %#x: slot %d gets %d of %d fingerprints", seed, i, n, len(fps))
			}
		}
	}
}

// The set of indicators seen decides as with maphash: a stream of
// indicators with repeats is reported new at the same places.
func TestFingerprintSeenAgrees(t *testing.T) {
	vs := fingerprintValues()
	kinds := []intel.Kind{intel.KindDomain, intel.KindURL, intel.KindIPv4, intel.KindFilename, intel.KindEmail, ""}
	r := rand.New(rand.NewPCG(1, 2))
	for _, seed := range fingerprintSeeds {
		var got, want fingerprints = newFingerprints(1 << 20), newFingerprints(1 << 20)
		mseed := maphash.MakeSeed()
		for i := 0; i < 200000; i++ {
			v, k, port := vs[r.IntN(len(vs))], kinds[r.IntN(len(kinds))], r.IntN(3)*443
			salt := kindSalt(k) ^ uint64(port)*0x9E3779B97F4A7C15
			g := got.add(fingerprint(seed, v) ^ salt)
			w := want.add(oldFingerprint(mseed, v) ^ salt)
			if g != w {
				t.Fatalf("seed %#x: %q %s %d: new %v, with maphash %v", seed, v, k, port, g, w)
			}
		}
	}
}

func FuzzFingerprintAgrees(f *testing.F) {
	f.Add("example.com", "example.org")
	f.Add("", "\x00")
	f.Add("https://example.com/a/b/c/d/e/f/g", "https://example.com/a/b/c/d/e/f/h")
	f.Add("0123456789abcdef", "0123456789abcdef0")
	mseed := maphash.MakeSeed()
	f.Fuzz(func(t *testing.T, a, b string) {
		want := oldFingerprint(mseed, a) == oldFingerprint(mseed, b)
		for _, seed := range fingerprintSeeds {
			if got := fingerprint(seed, a) == fingerprint(seed, b); got != want {
				t.Fatalf("seed %#x: fingerprint(%q) == fingerprint(%q) is %v, with maphash %v", seed, a, b, got, want)
			}
		}
	})
}
