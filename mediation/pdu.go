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
	n    *session.Numbers
	at   time.Time // time stamp to write
}

// built is what buildPDU reports besides the bytes.
type built struct {
	hi handover.HI
	// downs are the values mapped to the destination's older schema version.
	downs []etsi.Downgrade
	// adjusted are the fields etsi's Conform rules changed so that the PDU encodes.
	adjusted []etsi.Adjustment
}

// buildPDU encodes one PS-PDU of r for one LIID. When a field breaks its ASN.1 constraint,
// the PDU is conformed (the rules of mediation/etsi/CONSTRAINTS.md) and encoded again; the
// conforming works on copies, so r stays as it was for the other LIIDs and the journal. A
// record that encodes as it is pays nothing for this.
func (m *Mediator) buildPDU(dst []byte, p *pduParams, r *record.Record) ([]byte, built, error) {
	cin := p.n.CIN
	h := etsi.PSHeader{
		LIID:                     p.liid,
		AuthorizationCountryCode: p.dest.CountryCode,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier:   etsi.NetworkIdentifier{OperatorIdentifier: p.dest.Operator, NetworkElementIdentifier: p.ne},
			CIN:                 &cin,
			DeliveryCountryCode: p.dest.DeliveryCountryCode,
		},
		SequenceNumber:     p.seq,
		TimeStampQualifier: p.dest.Qualifier,
	}
	gt, us := stamps(p.dest.Timestamps, p.at)
	h.TimeStamp, h.MicroSecondTimeStamp = gt, us
	var base etsi.PSPDU
	b := built{hi: handover.HI2}
	var ev *uint32
	if p.n.EventID != 0 {
		ev = &p.n.EventID
	}
	switch {
	case r.MessagingIRI != nil || r.EmailIRI != nil:
		it := p.n.IRIType
		// Payload time stamps are for aggregated payloads (TS 102 232-1 clause 6.2.3); one
		// payload per PDU is stamped by the header alone.
		payload := etsi.IRIPayload{IRIType: &it}
		if r.MessagingIRI != nil {
			mi := *r.MessagingIRI
			mi.EventIdentifier = ev
			payload.Contents.MessagingIRI = &mi
		} else {
			payload.Contents.EmailIRI = r.EmailIRI
		}
		base = etsi.IRIPDU(h, payload)
	default:
		b.hi = handover.HI3
		dir := r.Direction
		payload := etsi.CCPayload{PayloadDirection: &dir}
		if r.MessagingCC != nil {
			mc := *r.MessagingCC
			if ev != nil {
				mc.EventIdentifier = *ev
			}
			payload.Contents.MessagingCC = &mc
		} else {
			payload.Contents.EmailCC = r.EmailCC
		}
		base = etsi.CCPDU(h, payload)
	}
	pdu, downs := base.ForVersion(p.dest.Version)
	out, err := pdu.AppendBERFraction(dst, p.dest.Version, p.dest.Precision)
	if err != nil {
		if b.adjusted = conformPDU(&base); len(b.adjusted) > 0 {
			pdu, downs = base.ForVersion(p.dest.Version)
			out, err = pdu.AppendBERFraction(dst, p.dest.Version, p.dest.Precision)
		}
	}
	b.downs = downs
	if err != nil {
		return dst, b, fmt.Errorf("%w: %s", ErrBadRecord, encodePath(err))
	}
	return out, b, nil
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

// stamps renders t in the destination's timestamp style.
func stamps(style TimestampStyle, t time.Time) (*time.Time, *etsi.MicroSecondTimeStamp) {
	t = t.UTC()
	us := &etsi.MicroSecondTimeStamp{Seconds: uint64(t.Unix()), MicroSeconds: uint32(t.Nanosecond() / 1000)}
	switch style {
	case TimestampMicroSecond:
		return nil, us
	case TimestampBoth:
		return &t, us
	case TimestampGeneralized:
		return &t, nil
	default:
		return &t, nil
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
