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
	case record.Standalone, record.Open, record.Continue, record.Close, record.Report:
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

// buildPDU encodes one PS-PDU of r for one LIID. It reports the values it had to map to
// the destination's older schema version.
func (m *Mediator) buildPDU(dst []byte, p *pduParams, r *record.Record) ([]byte, handover.HI, []etsi.Downgrade, error) {
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
	var pdu etsi.PSPDU
	hi := handover.HI2
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
		pdu = etsi.IRIPDU(h, payload)
	default:
		hi = handover.HI3
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
		pdu = etsi.CCPDU(h, payload)
	}
	pdu, downs := pdu.ForVersion(p.dest.Version)
	out, err := pdu.AppendBERFraction(dst, p.dest.Version, p.dest.Precision)
	if err != nil {
		return dst, hi, downs, fmt.Errorf("%w: %s", ErrBadRecord, encodePath(err))
	}
	return out, hi, downs, nil
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
