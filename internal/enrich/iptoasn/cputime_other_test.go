//go:build !unix

package iptoasn

// cpuTime returns 0: lookups per CPU second are reported on unix only.
func cpuTime() float64 { return 0 }
