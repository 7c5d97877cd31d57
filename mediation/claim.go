package mediation

// countDups counts records a peer instance claimed first (record.Record.Claim): they are
// delivered by that peer, not lost.
func (m *Mediator) countDups(n int) {
	if n > 0 {
		m.met.dropped.WithLabelValues("claimed_by_peer").Add(float64(n))
	}
}
