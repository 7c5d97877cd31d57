//go:build unix

package translate_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used. Benchmarks report events per CPU
// second too, because wall-clock rates on a shared machine measure the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
