//go:build linux

package postfmt

import "syscall"

// processCPUSeconds returns the user and system CPU time of the process,
// so that benchmarks can report throughput per CPU second, which holds on
// a loaded machine where wall time does not.
func processCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
