package etsi

import (
	"fmt"

	"github.com/umli/umli/mediation/etsi/ber"
)

// CINTemplate is a PSHeader pre-encoded once per destination, LIID and network element,
// for PDUs of many sequences: per PDU only the CIN, sequenceNumber and the time stamps
// are written. Its output is byte-identical to AppendBERFraction of the same PS-PDU with
// the CIN set (the lengths around the CIN are computed per PDU, so a CIN of any size
// fits). A CINTemplate is immutable and safe for concurrent use.
type CINTemplate struct {
	prefix []byte // li-psDomainId, lawfulInterceptionIdentifier, authorizationCountryCode
	netID  []byte // communicationIdentifier.networkIdentifier
	dcc    []byte // communicationIdentifier.deliveryCountryCode (empty when absent)
	ipid   string
	tsq    *TimeStampQualifier
	v      Version
	frac   TimeFraction
}

// NewCINTemplate validates and pre-encodes h's fields other than the CIN, sequenceNumber
// and time stamps, for version v and fraction style f. h's CIN is not read.
func NewCINTemplate(h PSHeader, v Version, f TimeFraction) (*CINTemplate, error) {
	if err := v.check(); err != nil {
		return nil, &EncodeError{Path: "pSHeader", Err: err}
	}
	if f > TimeFractionMicro {
		return nil, &EncodeError{Path: "pSHeader", Err: fmt.Errorf("%w: time fraction style %d", ErrConstraint, f)}
	}
	t := &CINTemplate{ipid: h.InterceptionPointID, v: v, frac: f}
	var err error
	if t.prefix, err = appendHeaderPrefix(nil, &h, v); err != nil {
		return nil, encWrap(err, "pSHeader")
	}
	c := &h.CommunicationIdentifier
	if t.netID, err = appendNetworkIdentifier(nil, &c.NetworkIdentifier); err != nil {
		return nil, encWrap(encWrap(err, "communicationIdentifier"), "pSHeader")
	}
	if t.dcc, err = appendDeliveryCountryCode(nil, c.DeliveryCountryCode); err != nil {
		return nil, encWrap(encWrap(err, "communicationIdentifier"), "pSHeader")
	}
	if h.InterceptionPointID != "" {
		if err := interceptionPointID(h.InterceptionPointID); err != nil {
			return nil, encWrap(err, "pSHeader.interceptionPointID")
		}
	}
	tsq, err := templateTSQ(h.TimeStampQualifier)
	if err != nil {
		return nil, err
	}
	t.tsq = tsq
	return t, nil
}

// AppendBER appends p as a PS-PDU whose header is the template's with the given CIN and
// p.Header's SequenceNumber, TimeStamp and MicroSecondTimeStamp; p.Header's other fields
// are not read. On error dst is returned unchanged.
func (t *CINTemplate) AppendBER(dst []byte, p *PSPDU, cin uint32) ([]byte, error) {
	start := len(dst)
	dst = ber.Begin(dst, ber.Sequence())
	m := len(dst)
	dst = ber.Begin(dst, ber.CtxC(1))
	mh := len(dst)
	dst = append(dst, t.prefix...)
	dst = ber.Begin(dst, ber.CtxC(3))
	mc := len(dst)
	dst = append(dst, t.netID...)
	dst = ber.AppendInteger(dst, ber.Ctx(1), int64(cin))
	dst = append(dst, t.dcc...)
	dst = ber.End(dst, mc)
	dst, err := appendHeaderVariable(dst, &p.Header, t.ipid, t.tsq, t.frac)
	if err != nil {
		return dst[:start], encWrap(err, "pSHeader")
	}
	dst = ber.End(dst, mh)
	if dst, err = appendPayload(dst, &p.Payload, t.v, t.frac); err != nil {
		return dst[:start], encWrap(err, "payload")
	}
	return ber.End(dst, m), nil
}
