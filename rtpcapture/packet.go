package rtpcapture

import "time"

// Packet is one RTP packet as the reorder and chunking stages see it. Payload is only
// valid during the call that hands the packet over; keep a copy to retain it.
type Packet struct {
	SSRC        uint32
	Seq         uint16
	Timestamp   uint32
	PayloadType uint8
	Marker      bool
	// Arrival is when the packet was intercepted.
	Arrival time.Time
	Payload []byte
}
