//go:build !unix

package translate_test

import "time"

// cpuTime is not measured off unix; the events/cpu-s metric is then omitted.
func cpuTime() time.Duration { return 0 }
