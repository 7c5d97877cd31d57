package etsi

import "github.com/umli/umli/mediation/etsi/ber"

// HeaderTemplate is a PSHeader pre-encoded once per (LIID, CIN) and destination version, the
// OpenLI trick: per PDU only sequenceNumber, timeStamp and microSecondTimeStamp are written.
// A HeaderTemplate is immutable and safe for concurrent use.
type HeaderTemplate struct {
	fixed []byte // li-psDomainId .. communicationIdentifier, encoded
	ipid  string
	tsq   *TimeStampQualifier
	v     Version
	frac  TimeFraction
}

// NewHeaderTemplate validates and pre-encodes h's per-session fields (li-psDomainId, LIID,
// authorizationCountryCode, communicationIdentifier, interceptionPointID, timeStampQualifier).
func NewHeaderTemplate(h PSHeader, v Version) (*HeaderTemplate, error) {
	if err := v.check(); err != nil {
		return nil, &EncodeError{Path: "pSHeader", Err: err}
	}
	fixed, err := appendHeaderFixed(nil, &h, v)
	if err != nil {
		return nil, encWrap(err, "pSHeader")
	}
	if h.InterceptionPointID != "" {
		if err := interceptionPointID(h.InterceptionPointID); err != nil {
			return nil, encWrap(err, "pSHeader.interceptionPointID")
		}
	}
	t := &HeaderTemplate{fixed: fixed, ipid: h.InterceptionPointID, v: v}
	tsq, err := templateTSQ(h.TimeStampQualifier)
	if err != nil {
		return nil, err
	}
	t.tsq = tsq
	return t, nil
}

// WithTimeFraction returns a copy of t that writes time stamps in fraction style f.
func (t *HeaderTemplate) WithTimeFraction(f TimeFraction) *HeaderTemplate {
	c := *t
	c.frac = f
	return &c
}

// Version is the destination version the template was built for.
func (t *HeaderTemplate) Version() Version { return t.v }

// AppendBER appends p as a PS-PDU whose header is the template's, with p.Header's
// SequenceNumber, TimeStamp and MicroSecondTimeStamp; p.Header's other fields are not read.
// On error dst is returned unchanged.
func (t *HeaderTemplate) AppendBER(dst []byte, p *PSPDU) ([]byte, error) {
	start := len(dst)
	out, err := appendPSPDU(dst, p, t, t.v, t.frac)
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

func (t *HeaderTemplate) appendHeader(dst []byte, h *PSHeader) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(1))
	m := len(dst)
	dst = append(dst, t.fixed...)
	dst, err := appendHeaderVariable(dst, h, t.ipid, t.tsq, t.frac)
	if err != nil {
		return dst, err
	}
	return ber.End(dst, m), nil
}

// templateTSQ is a header template's own copy of the time stamp qualifier, checked once
// when the template is built (both HeaderTemplate and CINTemplate keep one).
func templateTSQ(q *TimeStampQualifier) (*TimeStampQualifier, error) {
	if q == nil {
		return nil, nil
	}
	c := *q
	if !c.valid() {
		return nil, encWrap(ErrUnknownEnum, "pSHeader.timeStampQualifier")
	}
	return &c, nil
}
