package rtpcapture

// Packet is one RTP packet as the reorder and chunking stages see it. Payload is only
// valid during the call that hands the packet over; keep a copy to retain it.
type Packet struct {
	SSRC        uint32
	Seq         uint16
	Timestamp   uint32
	PayloadType uint8
	Marker      bool
	// Arrival is when the packet was intercepted, in Unix nanoseconds: a plain integer
	// keeps the per-packet path free of pointers (and of GC write barriers).
	Arrival int64
	Payload []byte
}
