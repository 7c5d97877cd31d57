package etsi

import (
	"errors"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

// FuzzValidate: Validate parses bytes from outside (a LEMF's socket), so it never panics,
// frames exactly what FrameLength frames, reports every violation inside the PDU with a
// path and a reason, and agrees with the encoder: whatever DecodePSPDU accepts, re-encoded
// by umli for version20 or (after ForVersion) ver9 with the version's own object
// identifiers, has no violation.
func FuzzValidate(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x30, 0x03, 0xA1, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, n, err := Validate(b)
		if err != nil {
			if !errors.Is(err, ErrNotBER) || n != 0 || vs != nil {
				t.Fatalf("error %v with n=%d, %d violations", err, n, len(vs))
			}
			return
		}
		if fl, ferr := ber.FrameLength(b, 0); ferr != nil || fl != n {
			t.Fatalf("Validate framed %d bytes, FrameLength %d (%v)", n, fl, ferr)
		}
		for _, v := range vs {
			if v.Offset < 0 || v.Offset >= n || v.Path == "" || v.Reason == "" {
				t.Fatalf("violation outside the PDU or unnamed: %+v (PDU %d bytes)", v, n)
			}
		}
		p, _, derr := DecodePSPDU(b)
		if derr != nil {
			return
		}
		clearObjIDs(&p)
		for _, ver := range []Version{LatestVersion(), Seed9Version()} {
			q, _ := p.ForVersion(ver)
			out, eerr := q.AppendBER(nil, ver)
			if eerr != nil {
				continue // what ForVersion cannot map is refused, not sent
			}
			if again, _, _ := Validate(out); len(again) != 0 {
				t.Fatalf("umli's own encoding for EmailPDU version %d has violations: %v", ver.Email, again)
			}
		}
	})
}

// clearObjIDs makes p's object identifiers the encoder's defaults for the version.
func clearObjIDs(p *PSPDU) {
	p.Header.DomainID = nil
	for i := range p.Payload.IRI {
		c := &p.Payload.IRI[i].Contents
		if c.EmailIRI != nil {
			c.EmailIRI.ObjID = nil
		}
		if c.MessagingIRI != nil {
			c.MessagingIRI.ObjID = nil
		}
	}
	for i := range p.Payload.CC {
		c := &p.Payload.CC[i].Contents
		if c.EmailCC != nil {
			c.EmailCC.ObjID = nil
		}
		if c.MessagingCC != nil {
			c.MessagingCC.ObjID = nil
		}
	}
}
