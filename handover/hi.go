package handover

import "fmt"

// HI names a handover interface: HI2 carries IRI (events), HI3 carries CC (content).
type HI int

// The two handover interfaces a destination has.
const (
	HI2 HI = 2
	HI3 HI = 3
)

// String gives "hi2" or "hi3", the form used in Redis keys, metrics and logs.
func (h HI) String() string {
	switch h {
	case HI2:
		return "hi2"
	case HI3:
		return "hi3"
	default:
		return fmt.Sprintf("hi(%d)", int(h))
	}
}
