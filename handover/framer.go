package handover

import (
	"errors"

	"github.com/umli/umli/mediation/etsi/ber"
)

// berFramer measures LEMF→umli elements with the codec's ber.FrameLength.
type berFramer struct{}

// FrameLength implements framer.
func (berFramer) FrameLength(b []byte, max int) (int, error) { return ber.FrameLength(b, max) }

// Incomplete implements framer.
func (berFramer) Incomplete(err error) bool { return errors.Is(err, ber.ErrIncomplete) }

func newFramer() Framer { return berFramer{} }
