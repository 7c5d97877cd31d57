package mediation

import (
	"errors"
	"fmt"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
)

// contentKind checks that exactly one content is set and says whether it is IRI or CC.
func contentKind(r *record.Record) (session.Kind, error) {
	n, kind := 0, session.IRI
	if r.MessagingIRI != nil {
		n++
	}
	if r.EmailIRI != nil {
		n++
	}
	if r.MessagingCC != nil {
		n, kind = n+1, session.CC
	}
	if r.EmailCC != nil {
		n, kind = n+1, session.CC
	}
	if n != 1 {
		return kind, fmt.Errorf("%w: %d contents set, want exactly one of MessagingIRI, EmailIRI, MessagingCC, EmailCC", ErrBadRecord, n)
	}
	switch r.Boundary {
	case record.Standalone, record.Open, record.Continue, record.Close, record.Report:
	default:
		return kind, fmt.Errorf("%w: boundary %d", ErrBadRecord, int(r.Boundary))
	}
	return kind, nil
}

// pduParams is everything one PDU depends on besides the record.
type pduParams struct {
	liid string
	dest *Destination
	ne   string
	seq  uint32
	// cin, iriType and eventID are the session step's numbers (session.Numbers), by
	// value: a pointer would make the caller's Numbers escape (one allocation per PDU).
	cin     uint32
	iriType etsi.IRIType
	eventID uint32
	at      time.Time // time stamp to write
	// tmpl, when set, is the header template of (dest, liid, ne): the header is then
	// written from it, byte-identical to the full encoding (etsi.CINTemplate).
	tmpl *etsi.CINTemplate
}

// withNumbers sets p's numbers from n.
func (p *pduParams) withNumbers(n *session.Numbers) *pduParams {
	p.cin, p.iriType, p.eventID = n.CIN, n.IRIType, n.EventID
	return p
}

// built is what buildPDU reports besides the bytes.
type built struct {
	hi handover.HI
	// downs are the values mapped to the destination's older schema version.
	downs []etsi.Downgrade
	// adjusted are the fields etsi's Conform rules changed so that the PDU encodes.
	adjusted []etsi.Adjustment
}

// pduScratch holds what one buildPDU points its PS-PDU at. The encoder keeps nothing of
// it, so it is reused (Mediator.scratch) instead of allocated per PDU.
type pduScratch struct {
	cin uint32
	it  etsi.IRIType
	ev  uint32
	dir etsi.PayloadDirection
	mi  etsi.MessagingIRI
	mc  etsi.MessagingCC
	iri [1]etsi.IRIPayload
	cc  [1]etsi.CCPayload
	gt  time.Time
	us  etsi.MicroSecondTimeStamp
	// buf is scratch output for encodings that are only checked (Submit's).
	buf []byte
	// blob is scratch output for Submit's journal blobs before they get their own array.
	blob []byte
	// close is the memory of Submit's close record (closeParts.record).
	close closeParts
	// down holds the payload copies of a PDU for an older destination version.
	down etsi.DowngradeScratch
}

func (m *Mediator) getScratch() *pduScratch {
	if s, ok := m.scratch.Get().(*pduScratch); ok {
		return s
	}
	return &pduScratch{}
}

// putScratch returns s for reuse, dropping what it points to (records, content).
func (m *Mediator) putScratch(s *pduScratch) {
	buf, blob := s.buf[:0], s.blob[:0]
	*s = pduScratch{buf: buf, blob: blob}
	m.scratch.Put(s)
}

// buildPDU encodes one PS-PDU of r for one LIID, appended to dst. When a field breaks its
// ASN.1 constraint, the PDU is conformed (the rules of mediation/etsi/CONSTRAINTS.md) and
// encoded again; the conforming works on copies, so r stays as it was for the other LIIDs
// and the journal. A record that encodes as it is pays nothing for this.
func (m *Mediator) buildPDU(dst []byte, p *pduParams, r *record.Record) ([]byte, built, error) {
	s := m.getScratch()
	defer m.putScratch(s)
	return buildPDUWith(s, dst, p, r)
}

func buildPDUWith(s *pduScratch, dst []byte, p *pduParams, r *record.Record) ([]byte, built, error) {
	h := s.header(p)
	var base etsi.PSPDU
	b := built{hi: handover.HI2}
	var ev *uint32
	if p.eventID != 0 {
		s.ev = p.eventID
		ev = &s.ev
	}
	switch {
	case r.MessagingIRI != nil || r.EmailIRI != nil:
		s.it = p.iriType
		// Payload time stamps are for aggregated payloads (TS 102 232-1 clause 6.2.3); one
		// payload per PDU is stamped by the header alone.
		s.iri[0] = etsi.IRIPayload{IRIType: &s.it}
		if r.MessagingIRI != nil {
			s.mi = *r.MessagingIRI
			s.mi.EventIdentifier = ev
			s.iri[0].Contents.MessagingIRI = &s.mi
		} else {
			s.iri[0].Contents.EmailIRI = r.EmailIRI
		}
		base = etsi.PSPDU{Header: h, Payload: etsi.Payload{IRI: s.iri[:]}}
	default:
		b.hi = handover.HI3
		s.dir = r.Direction
		s.cc[0] = etsi.CCPayload{PayloadDirection: &s.dir}
		if r.MessagingCC != nil {
			s.mc = *r.MessagingCC
			if ev != nil {
				s.mc.EventIdentifier = *ev
			}
			s.cc[0].Contents.MessagingCC = &s.mc
		} else {
			s.cc[0].Contents.EmailCC = r.EmailCC
		}
		base = etsi.PSPDU{Header: h, Payload: etsi.Payload{CC: s.cc[:]}}
	}
	pdu, downs := base.ForVersionIn(p.dest.Version, &s.down)
	var out []byte
	var err error
	if p.tmpl != nil {
		out, err = p.tmpl.AppendBER(dst, &pdu, p.cin)
	} else {
		out, err = pdu.AppendBERFraction(dst, p.dest.Version, p.dest.Precision)
	}
	if err != nil { // the full encoder, conforming the PDU, has the last word
		if b.adjusted = conformPDU(&base); len(b.adjusted) > 0 {
			pdu, downs = base.ForVersionIn(p.dest.Version, &s.down)
			out, err = pdu.AppendBERFraction(dst, p.dest.Version, p.dest.Precision)
		}
	}
	b.downs = downs
	if err != nil {
		return dst, b, fmt.Errorf("%w: %s", ErrBadRecord, encodePath(err))
	}
	return out, b, nil
}

// header is p's PS-PDU header; its CIN and time stamps point into s.
func (s *pduScratch) header(p *pduParams) etsi.PSHeader {
	s.cin = p.cin
	h := etsi.PSHeader{
		LIID:                     p.liid,
		AuthorizationCountryCode: p.dest.CountryCode,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier:   etsi.NetworkIdentifier{OperatorIdentifier: p.dest.Operator, NetworkElementIdentifier: p.ne},
			CIN:                 &s.cin,
			DeliveryCountryCode: p.dest.DeliveryCountryCode,
		},
		SequenceNumber:     p.seq,
		TimeStampQualifier: p.dest.Qualifier,
	}
	h.TimeStamp, h.MicroSecondTimeStamp = s.stamps(p.dest.Timestamps, p.at)
	return h
}

// conformPDU applies the Conform rules to the header and the single payload buildPDU puts
// into p, copying each content struct before it is changed (p's payload slice is
// buildPDU's own). Paths are relative to the content ("emailIRI.e-mail-Sender") or the
// header ("pSHeader...."), so metric labels stay few.
func conformPDU(p *etsi.PSPDU) []etsi.Adjustment {
	adj := p.Header.Conform()
	for i := range p.Payload.IRI {
		c := &p.Payload.IRI[i].Contents
		switch {
		case c.EmailIRI != nil:
			x := *c.EmailIRI
			adj = append(adj, x.Conform()...)
			c.EmailIRI = &x
		case c.MessagingIRI != nil:
			x := *c.MessagingIRI
			adj = append(adj, x.Conform()...)
			c.MessagingIRI = &x
		}
	}
	for i := range p.Payload.CC {
		c := &p.Payload.CC[i].Contents
		switch {
		case c.EmailCC != nil:
			x := *c.EmailCC
			adj = append(adj, x.Conform()...)
			c.EmailCC = &x
		case c.MessagingCC != nil:
			x := *c.MessagingCC
			adj = append(adj, x.Conform()...)
			c.MessagingCC = &x
		}
	}
	return adj
}

// stamps renders t in the destination's timestamp style, in s.
func (s *pduScratch) stamps(style TimestampStyle, t time.Time) (*time.Time, *etsi.MicroSecondTimeStamp) {
	s.gt = t.UTC()
	s.us = etsi.MicroSecondTimeStamp{Seconds: uint64(s.gt.Unix()), MicroSeconds: uint32(s.gt.Nanosecond() / 1000)} //nolint:gosec // G115: Submit replaces a record time before 1970 by mediation time (R580), so Unix() >= 0; Nanosecond()/1000 < 1e6
	switch style {
	case TimestampMicroSecond:
		return nil, &s.us
	case TimestampBoth:
		return &s.gt, &s.us
	case TimestampGeneralized:
		return &s.gt, nil
	default:
		return &s.gt, nil
	}
}

// encodePath names where encoding failed without quoting the offending value (values
// can be identities).
func encodePath(err error) string {
	var ee *etsi.EncodeError
	if errors.As(err, &ee) {
		return "cannot encode " + ee.Path
	}
	return "cannot encode record"
}
