//go:build unix

package mmdb

import "syscall"

// cpuTime returns the CPU time the process has used, in seconds: on a
// shared machine, lookups per CPU second measure one core's throughput
// where wall time also counts the time other processes held the core.
func cpuTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
