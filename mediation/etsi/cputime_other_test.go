//go:build !unix

package etsi

import "time"

// processCPU is not available here; benchmarks then report wall-clock figures only.
func processCPU() (time.Duration, bool) { return 0, false }
