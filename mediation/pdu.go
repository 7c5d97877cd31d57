package mediation

import (
	"errors"
	"fmt"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation/config"
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
	case record.Standalone, record.Open, record.Continue, record.Close:
	default:
		return kind, fmt.Errorf("%w: boundary %d", ErrBadRecord, int(r.Boundary))
	}
	return kind, nil
}

// pduParams is everything one PDU depends on besides the record.
type pduParams struct {
	liid string
	dest *config.Destination
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

// buildPDU encodes one PS-PDU of r for one LIID. Fields that break their ASN.1 constraint
// are first conformed (CONSTRAINTS.md in mediation/etsi) on copies, so r stays as it was
// for the other LIIDs and for the journal.
func (m *Mediator) buildPDU(dst []byte, p *pduParams, r *record.Record) ([]byte, built, error) {
	cin := p.n.CIN
	h := etsi.PSHeader{
		LIID:                     p.liid,
		AuthorizationCountryCode: m.cfg.CountryCode,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier:   etsi.NetworkIdentifier{OperatorIdentifier: m.cfg.Operator, NetworkElementIdentifier: p.ne},
			CIN:                 &cin,
			DeliveryCountryCode: m.cfg.DeliveryCountryCode,
		},
		SequenceNumber:     p.seq,
		TimeStampQualifier: p.dest.Qualifier,
	}
	gt, us := stamps(p.dest.Timestamps, p.at)
	h.TimeStamp, h.MicroSecondTimeStamp = gt, us
	var pdu etsi.PSPDU
	b := built{hi: handover.HI2, adjusted: h.Conform()}
	var ev *uint32
	if p.n.EventID != 0 {
		ev = &p.n.EventID
	}
	switch {
	case r.MessagingIRI != nil || r.EmailIRI != nil:
		it := p.n.IRIType
		payload := etsi.IRIPayload{IRIType: &it, TimeStamp: gt, MicroSecondTimeStamp: us}
		if r.MessagingIRI != nil {
			mi := *r.MessagingIRI
			mi.EventIdentifier = ev
			b.adjusted = append(b.adjusted, mi.Conform()...)
			payload.Contents.MessagingIRI = &mi
		} else {
			ei := *r.EmailIRI
			b.adjusted = append(b.adjusted, ei.Conform()...)
			payload.Contents.EmailIRI = &ei
		}
		pdu = etsi.IRIPDU(h, payload)
	default:
		b.hi = handover.HI3
		dir := r.Direction
		payload := etsi.CCPayload{PayloadDirection: &dir, TimeStamp: gt, MicroSecondTimeStamp: us}
		if r.MessagingCC != nil {
			mc := *r.MessagingCC
			if ev != nil {
				mc.EventIdentifier = *ev
			}
			b.adjusted = append(b.adjusted, mc.Conform()...)
			payload.Contents.MessagingCC = &mc
		} else {
			ec := *r.EmailCC
			b.adjusted = append(b.adjusted, ec.Conform()...)
			payload.Contents.EmailCC = &ec
		}
		pdu = etsi.CCPDU(h, payload)
	}
	pdu, b.downs = pdu.ForVersion(p.dest.Version)
	out, err := pdu.AppendBER(dst, p.dest.Version)
	if err != nil {
		return dst, b, fmt.Errorf("%w: %s", ErrBadRecord, encodePath(err))
	}
	return out, b, nil
}

// stamps renders t in the destination's timestamp style.
func stamps(style config.TimestampStyle, t time.Time) (*time.Time, *etsi.MicroSecondTimeStamp) {
	t = t.UTC()
	us := &etsi.MicroSecondTimeStamp{Seconds: uint64(t.Unix()), MicroSeconds: uint32(t.Nanosecond() / 1000)}
	switch style {
	case config.TimestampMicroSecond:
		return nil, us
	case config.TimestampBoth:
		return &t, us
	case config.TimestampGeneralized:
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
