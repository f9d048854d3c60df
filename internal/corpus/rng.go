package corpus

import (
	"math/bits"
	"math/rand/v2"
)

// rng draws every random choice the generator makes.
//
// It uses only PCG.Uint64, whose algorithm (PCG-DXSM, 128-bit state) is
// fixed by its documentation, and derives bounded integers itself with a
// multiply-shift, so the corpus for a seed does not change when the
// standard library changes how Rand.IntN and friends consume the source.
type rng struct {
	src *rand.PCG
}

// newRNG returns the generator for seed. The second PCG word is a fixed
// odd constant so that seed 0 and seed 1 give unrelated streams.
func newRNG(seed uint64) rng {
	return rng{src: rand.NewPCG(seed, 0x9e3779b97f4a7c15^seed)}
}

// u64 returns 64 random bits.
func (r rng) u64() uint64 { return r.src.Uint64() }

// intn returns a number in [0, n). n must be positive. The bias of the
// multiply-shift is below 2^-32 for every n used here.
func (r rng) intn(n int) int {
	hi, _ := bits.Mul64(r.src.Uint64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability pct/100.
func (r rng) chance(pct int) bool { return r.intn(100) < pct }

// pick returns a random element of list.
func pick[T any](r rng, list []T) T { return list[r.intn(len(list))] }
