//go:build !linux

package postfmt

// processCPUSeconds is not measured on this system.
func processCPUSeconds() float64 { return 0 }
