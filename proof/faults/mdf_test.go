package faults_test

import (
	"testing"
	"time"
)

// TestMDFDown is TestLEMFDown for X2/X3 (TS 103 221-2): under load to an MDF over mutual
// TLS, both its X2 and X3 listeners go away for the outage and come back on the same
// addresses. Every record arrives as one X2 or X3 PDU with the warrant's XID, the CIN as
// correlation ID and the PS-PDU's sequence number as attribute; no loss, no gap per
// XID and correlation ID, no number reused.
func TestMDFDown(t *testing.T) {
	r := newRigMDF(t)
	r.underLoad(func() {
		r.mdf.Stop()
		time.Sleep(r.tm.outage)
		r.mdf.Restart()
	})
}
