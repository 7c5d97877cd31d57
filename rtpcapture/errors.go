package rtpcapture

import "errors"

// Errors of the RTP path. Packets that cause them are counted and dropped; the leg goes on.
var (
	ErrOversize  = errors.New("rtp packet larger than MaxPacketSize")
	ErrMalformed = errors.New("malformed rtp packet")
	ErrRTCP      = errors.New("rtcp packet on an rtp port")
	ErrClosed    = errors.New("leg closed")
)
