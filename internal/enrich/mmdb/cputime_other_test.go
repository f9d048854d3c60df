//go:build !unix

package mmdb

// cpuTime returns 0: lookups per CPU second are reported on unix only.
func cpuTime() float64 { return 0 }
