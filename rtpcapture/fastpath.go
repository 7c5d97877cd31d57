package rtpcapture

// The in-order path: a leg checks in its first cache line whether a packet is the one
// its reorder buffer would pass straight on (Reorder.inOrder), and if so delivers it
// without touching the buffer, telling it later in one batch. The buffer is told
// before anything else uses it (the reorder path, Tick, Close); Stats adds what it was
// not told yet.

// commitFast tells the reorder buffer about the packets that passed it untouched.
func (l *Leg) commitFast() {
	if l.fastRun > 0 {
		l.reorder.passed(l.fastRun)
		l.fastDone += l.fastRun
		l.fastRun = 0
	}
}

// mirrorFast copies what the in-order path checks from the reorder buffer's state.
func (l *Leg) mirrorFast() {
	r := &l.reorder
	l.fastOn = r.released && r.held == 0
	l.fastSSRC = r.ssrc
	l.fastNext = uint16(r.next) //nolint:gosec // G115: RTP sequence numbers are the low 16 bits of the extended counter (RFC 3550 A.1)
}
