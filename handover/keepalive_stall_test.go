package handover

import (
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// crash closes the peer's listener and connections without reading what they hold (a
// LEMF that hung and then died: socket buffers lost), then lets stalled readers end.
func (p *peer) crash() {
	p.closeAll()
	p.stalled.Store(false)
	p.wg.Wait()
}

// TestStalledLEMFKeepsUnreadPDUs: a LEMF that answered keep-alives stops reading (it
// accepts connections but reads nothing), PDUs arrive meanwhile, and it dies with its
// socket buffers. Its unanswered opening keep-alive on a new connection must not be taken
// for a LEMF that never answers: delivering there unconfirmed trims PDUs written into a
// connection nobody reads, and they never reach the LEMF when it is back.
func TestStalledLEMFKeepsUnreadPDUs(t *testing.T) {
	const before, total = 10, 400
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	p := newPeer(t, nil)
	d := testDestination("lea1", p.addr, "")
	d.KeepAliveInterval, d.KeepAliveTimeout, d.ResendWindow = 30*time.Millisecond, 150*time.Millisecond, 2
	in := newInstance(t, testConfig(d), rdb).run(t)
	enqueueRange(t, in.h, "lea1", HI2, 0, before, before)
	waitFor(t, "PDUs while the LEMF reads", func() bool { return len(p.state().seqs) >= before })

	p.stalled.Store(true)
	// The stalled LEMF is seen: its keep-alives go unanswered on a later connection.
	waitFor(t, "a connection to the stalled LEMF", func() bool { return p.state().accepted >= 2 })
	base := in.stats("lea1", HI2)
	enqueueRange(t, in.h, "lea1", HI2, before, total, 30)
	// Either the sender writes into the stalled connection (everything counted as sent)
	// or it keeps redialling (more keep-alive timeouts): then the LEMF dies.
	waitFor(t, "the sender to deal with the stalled LEMF", func() bool {
		st := in.stats("lea1", HI2)
		return st.Sent >= total || st.KeepAliveTimeouts >= base.KeepAliveTimeouts+3
	})
	p.crash()
	p.start()
	waitFor(t, "the last PDU after the LEMF is back", func() bool {
		s := p.state().seqs
		return len(s) > 0 && s[len(s)-1] == total-1
	})
	if _, err := checkComplete(p.state().seqs, total); err != nil {
		t.Fatalf("LEMF back after a stall: %v", err)
	}
}
