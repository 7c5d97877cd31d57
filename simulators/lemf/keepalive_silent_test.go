package lemf

import (
	"bytes"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// TestSilentKeepAlive: a LEMF configured like one that never answers keep-alives still
// counts and records them and every PDU after them, and writes nothing back.
func TestSilentKeepAlive(t *testing.T) {
	for _, silent := range []bool{false, true} {
		l := startLEMF(t, Config{KeepAlive: KeepAlivePolicy{Silent: silent}})
		a2, _ := l.Addrs()
		c := dial(t, a2)
		send(t, c, encode(t, keepAlivePDU("keepalive", 0, 0)))
		send(t, c, encode(t, iriPDU("LIID-S", 3, 0, etsi.BoxLogin, 1)))
		send(t, c, encode(t, keepAlivePDU("keepalive", 0, 1)))
		send(t, c, encode(t, iriPDU("LIID-S", 3, 1, etsi.BoxLogout, 2)))
		// The LEMF writes an answer before it reads the next frame, so once it counted the
		// last PDU every answer it would give is in our receive buffer.
		l.waitPDUs(t, 4, 0)
		_ = c.(interface{ CloseWrite() error }).CloseWrite()
		var got bytes.Buffer
		_, _ = got.ReadFrom(c)
		l.shutdown(t)
		s := l.Summary()
		if s.HI2.KeepAlives != 2 || s.HI2.PDUs != 4 || s.Gaps != 0 {
			t.Fatalf("silent=%v: summary %+v", silent, s.HI2)
		}
		answers := 0
		for b := got.Bytes(); len(b) > 0; {
			p, n, err := etsi.DecodePSPDU(b)
			if err != nil {
				t.Fatalf("silent=%v: LEMF wrote undecodable bytes: %v", silent, err)
			}
			if p.Payload.TRI == nil || p.Payload.TRI.Kind != etsi.TRIKeepAliveResponse {
				t.Fatalf("silent=%v: LEMF wrote %+v", silent, p.Payload)
			}
			answers++
			b = b[n:]
		}
		if want := map[bool]int{false: 2, true: 0}[silent]; answers != want {
			t.Fatalf("silent=%v: %d keep-aliveResponses, want %d", silent, answers, want)
		}
	}
}
