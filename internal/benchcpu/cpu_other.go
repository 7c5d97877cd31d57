//go:build !unix

package benchcpu

import "time"

// Used is not measured off unix; it is always 0.
func Used() time.Duration { return 0 }
