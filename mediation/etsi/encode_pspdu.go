package etsi

import (
	"fmt"
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// AppendBER appends the definite-length BER encoding of p for a destination speaking v.
// Nil object identifiers get the version's defaults: li-psDomainId {0 4 0 2 2 5 1 v.Header},
// payload obj ids {5 2 v.Email n}; non-nil ones (e.g. from a decoded PDU) are written as
// they are. Optional fields that v does not have are omitted; an
// enumeration value or CHOICE alternative that v lacks is an *EncodeError naming the field
// (use ForVersion first to downgrade on purpose). On error dst is returned unchanged.
func (p *PSPDU) AppendBER(dst []byte, v Version) ([]byte, error) {
	return p.AppendBERFraction(dst, v, TimeFractionTrimmed)
}

// TimeFraction fixes how a PS-PDU's GeneralizedTime time stamps (header and payload
// timeStamp) write their fraction of a second, and the resolution of microSecondTimeStamp.
// Widely used LEMF tooling (libwandder) reads the fraction as milliseconds and fails
// without one, so a fixed precision is what LEAs accept.
type TimeFraction uint8

// Time fraction styles.
const (
	// TimeFractionTrimmed writes 0..9 digits with trailing zeros trimmed, none on a whole
	// second (AppendBER's form); microSecondTimeStamp keeps its microseconds.
	TimeFractionTrimmed TimeFraction = iota
	// TimeFractionMilli writes exactly 3 digits (".000" on a whole second) and truncates
	// microSecondTimeStamp to whole milliseconds.
	TimeFractionMilli
	// TimeFractionMicro writes exactly 6 digits.
	TimeFractionMicro
)

// digits is the fixed fraction length, 0 for trimmed.
func (f TimeFraction) digits() int {
	switch f {
	case TimeFractionMilli:
		return 3
	case TimeFractionMicro:
		return 6
	case TimeFractionTrimmed:
		return 0
	}
	return 0
}

// AppendBERFraction is AppendBER with time stamps written in fraction style f.
func (p *PSPDU) AppendBERFraction(dst []byte, v Version, f TimeFraction) ([]byte, error) {
	if err := v.check(); err != nil {
		return dst, &EncodeError{Path: "PS-PDU", Err: err}
	}
	if f > TimeFractionMicro {
		return dst, &EncodeError{Path: "PS-PDU", Err: fmt.Errorf("%w: time fraction style %d", ErrConstraint, f)}
	}
	start := len(dst)
	out, err := appendPSPDU(dst, p, nil, v, f)
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

// AppendBERFraction appends h alone, the pSHeader [1] element of a PS-PDU for v with time
// stamps in fraction style f: a header checked without encoding its payload again. On
// error dst is returned unchanged.
func (h *PSHeader) AppendBERFraction(dst []byte, v Version, f TimeFraction) ([]byte, error) {
	if err := v.check(); err != nil {
		return dst, &EncodeError{Path: "pSHeader", Err: err}
	}
	if f > TimeFractionMicro {
		return dst, &EncodeError{Path: "pSHeader", Err: fmt.Errorf("%w: time fraction style %d", ErrConstraint, f)}
	}
	start := len(dst)
	out, err := appendPSHeader(dst, h, v, f)
	if err != nil {
		return dst[:start], encWrap(err, "pSHeader")
	}
	return out, nil
}

func appendPSPDU(dst []byte, p *PSPDU, tmpl *HeaderTemplate, v Version, f TimeFraction) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.Sequence())
	m := len(dst)
	if tmpl != nil {
		dst, err = tmpl.appendHeader(dst, &p.Header)
	} else {
		dst, err = appendPSHeader(dst, &p.Header, v, f)
	}
	if err != nil {
		return dst, encWrap(err, "pSHeader")
	}
	if dst, err = appendPayload(dst, &p.Payload, v, f); err != nil {
		return dst, encWrap(err, "payload")
	}
	return ber.End(dst, m), nil
}

func appendPSHeader(dst []byte, h *PSHeader, v Version, f TimeFraction) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(1))
	m := len(dst)
	dst, err := appendHeaderFixed(dst, h, v)
	if err != nil {
		return dst, err
	}
	if dst, err = appendHeaderVariable(dst, h, h.InterceptionPointID, h.TimeStampQualifier, f); err != nil {
		return dst, err
	}
	return ber.End(dst, m), nil
}

// appendHeaderFixed writes li-psDomainId .. communicationIdentifier: the part of the header
// that is the same for every PDU of one (LIID, CIN).
func appendHeaderFixed(dst []byte, h *PSHeader, v Version) ([]byte, error) {
	dst, err := appendHeaderPrefix(dst, h, v)
	if err != nil {
		return dst, err
	}
	if dst, err = appendCommunicationIdentifier(dst, &h.CommunicationIdentifier); err != nil {
		return dst, encWrap(err, "communicationIdentifier")
	}
	return dst, nil
}

// appendHeaderPrefix writes li-psDomainId .. authorizationCountryCode: the part of the
// header before the CIN that is the same for every PDU of one LIID.
func appendHeaderPrefix(dst []byte, h *PSHeader, v Version) ([]byte, error) {
	var err error
	if h.DomainID != nil {
		if err := domainIDShape(h.DomainID); err != nil {
			return dst, encWrap(err, "li-psDomainId")
		}
		dst, err = ber.AppendOID(dst, ber.Ctx(0), h.DomainID)
	} else {
		var arcs = [...]uint32{0, 4, 0, 2, 2, 5, 1, v.Header}
		dst, err = ber.AppendOID(dst, ber.Ctx(0), arcs[:])
	}
	if err != nil {
		return dst, encWrap(err, "li-psDomainId")
	}
	if err := sizeIn("LIID", len(h.LIID), SizePSHeaderLawfulInterceptionIdentifierMin, SizePSHeaderLawfulInterceptionIdentifierMax); err != nil {
		return dst, encWrap(err, "lawfulInterceptionIdentifier")
	}
	dst = ber.AppendString(dst, ber.Ctx(1), h.LIID)
	if h.AuthorizationCountryCode != "" {
		if err := countryCode(h.AuthorizationCountryCode); err != nil {
			return dst, encWrap(err, "authorizationCountryCode")
		}
		dst = ber.AppendString(dst, ber.Ctx(2), h.AuthorizationCountryCode)
	}
	return dst, nil
}

// appendHeaderVariable writes sequenceNumber .. timeStampQualifier.
func appendHeaderVariable(dst []byte, h *PSHeader, ipid string, tsq *TimeStampQualifier, f TimeFraction) ([]byte, error) {
	var err error
	dst = ber.AppendInteger(dst, ber.Ctx(4), int64(h.SequenceNumber))
	if h.TimeStamp != nil {
		if dst, err = appendTimeFraction(dst, ber.Ctx(5), h.TimeStamp, f); err != nil {
			return dst, encWrap(err, "timeStamp")
		}
	}
	if ipid != "" {
		if err := interceptionPointID(ipid); err != nil {
			return dst, encWrap(err, "interceptionPointID")
		}
		dst = ber.AppendString(dst, ber.Ctx(6), ipid)
	}
	if h.MicroSecondTimeStamp != nil {
		if dst, err = appendMicroSecondTimeStamp(dst, ber.CtxC(7), h.MicroSecondTimeStamp, f); err != nil {
			return dst, encWrap(err, "microSecondTimeStamp")
		}
	}
	if tsq != nil {
		if !tsq.valid() {
			return dst, encWrap(fmt.Errorf("%w: %s", ErrUnknownEnum, tsq), "timeStampQualifier")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(8), int64(*tsq))
	}
	return dst, nil
}

func interceptionPointID(s string) error {
	if err := sizeIn("interceptionPointID", len(s), SizePSHeaderInterceptionPointIDMin, SizePSHeaderInterceptionPointIDMax); err != nil {
		return err
	}
	return printable(s)
}

func appendCommunicationIdentifier(dst []byte, c *CommunicationIdentifier) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(3))
	m := len(dst)
	dst, err := appendNetworkIdentifier(dst, &c.NetworkIdentifier)
	if err != nil {
		return dst, err
	}
	if c.CIN != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(1), int64(*c.CIN))
	}
	if dst, err = appendDeliveryCountryCode(dst, c.DeliveryCountryCode); err != nil {
		return dst, err
	}
	return ber.End(dst, m), nil
}

func appendNetworkIdentifier(dst []byte, n *NetworkIdentifier) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(0))
	m2 := len(dst)
	if err := sizeIn("operatorIdentifier", len(n.OperatorIdentifier), SizeNetworkIdentifierOperatorIdentifierMin, SizeNetworkIdentifierOperatorIdentifierMax); err != nil {
		return dst, encWrap(err, "networkIdentifier.operatorIdentifier")
	}
	dst = ber.AppendString(dst, ber.Ctx(0), n.OperatorIdentifier)
	if n.NetworkElementIdentifier != "" {
		if err := sizeIn("networkElementIdentifier", len(n.NetworkElementIdentifier), SizeNetworkIdentifierNetworkElementIdentifierMin, SizeNetworkIdentifierNetworkElementIdentifierMax); err != nil {
			return dst, encWrap(err, "networkIdentifier.networkElementIdentifier")
		}
		dst = ber.AppendString(dst, ber.Ctx(1), n.NetworkElementIdentifier)
	}
	return ber.End(dst, m2), nil
}

func appendDeliveryCountryCode(dst []byte, dcc string) ([]byte, error) {
	if dcc == "" {
		return dst, nil
	}
	if err := countryCode(dcc); err != nil {
		return dst, encWrap(err, "deliveryCountryCode")
	}
	return ber.AppendString(dst, ber.Ctx(2), dcc), nil
}

func appendMicroSecondTimeStamp(dst []byte, t ber.Tag, ts *MicroSecondTimeStamp, f TimeFraction) ([]byte, error) {
	if ts.MicroSeconds > 999999 {
		return dst, fmt.Errorf("%w: microSeconds %d > 999999", ErrConstraint, ts.MicroSeconds)
	}
	us := ts.MicroSeconds
	if f == TimeFractionMilli {
		us -= us % 1000
	}
	dst = ber.Begin(dst, t)
	m := len(dst)
	dst = ber.AppendUnsigned(dst, ber.Ctx(0), ts.Seconds)
	dst = ber.AppendInteger(dst, ber.Ctx(1), int64(us))
	return ber.End(dst, m), nil
}

func appendTime(dst []byte, t ber.Tag, tm *time.Time) ([]byte, error) {
	return ber.AppendGeneralizedTime(dst, t, *tm)
}

// appendTimeFraction writes a GeneralizedTime in fraction style f: YYYYMMDDHHMMSS.fffZ
// with exactly 3 or 6 digits; fixed styles truncate (a time stamp never moves past the
// instant it records).
func appendTimeFraction(dst []byte, t ber.Tag, tm *time.Time, f TimeFraction) ([]byte, error) {
	n := f.digits()
	if n == 0 {
		return ber.AppendGeneralizedTime(dst, t, *tm)
	}
	u := tm.UTC()
	y, mo, d := u.Date()
	if y < 0 || y > 9999 {
		return dst, fmt.Errorf("%w: year %d", ber.ErrTime, y)
	}
	h, mi, s := u.Clock()
	frac := u.Nanosecond()
	for i := n; i < 9; i++ {
		frac /= 10
	}
	dst = ber.AppendTag(dst, t)
	dst = append(dst, byte(16+n), //nolint:gosec // G115: n is 0..9 fraction digits, so 16+n < 26
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), byte('0'+d/10), byte('0'+d%10), //nolint:gosec // G115: month and day of a time.Time are in range, so every digit is 0..9
		byte('0'+h/10), byte('0'+h%10), byte('0'+mi/10), byte('0'+mi%10), //nolint:gosec // G115: hour and minute of a time.Time are in range, so every digit is 0..9
		byte('0'+s/10), byte('0'+s%10), '.') //nolint:gosec // G115: seconds of a time.Time are 0..59, so every digit is 0..9
	var digits [9]byte
	for i := n - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	dst = append(dst, digits[:n]...)
	return append(dst, 'Z'), nil
}

func appendPayload(dst []byte, p *Payload, v Version, f TimeFraction) ([]byte, error) {
	n := 0
	if p.IRI != nil {
		n++
	}
	if p.CC != nil {
		n++
	}
	if p.TRI != nil {
		n++
	}
	if n != 1 {
		return dst, fmt.Errorf("%w: %d of iRIPayloadSequence, cCPayloadSequence, tRIPayload set", ErrChoice, n)
	}
	var err error
	dst = ber.Begin(dst, ber.CtxC(2))
	m := len(dst)
	switch {
	case p.IRI != nil:
		dst = ber.Begin(dst, ber.CtxC(0))
		m2 := len(dst)
		for i := range p.IRI {
			if dst, err = appendIRIPayload(dst, &p.IRI[i], v, f); err != nil {
				return dst, encIdx(err, "iRIPayloadSequence", i)
			}
		}
		dst = ber.End(dst, m2)
		return ber.End(dst, m), nil
	case p.CC != nil:
		dst = ber.Begin(dst, ber.CtxC(1))
		m2 := len(dst)
		for i := range p.CC {
			if dst, err = appendCCPayload(dst, &p.CC[i], v, f); err != nil {
				return dst, encIdx(err, "cCPayloadSequence", i)
			}
		}
		dst = ber.End(dst, m2)
		return ber.End(dst, m), nil
	default:
		if dst, err = appendTRIPayload(dst, p.TRI); err != nil {
			return dst, encWrap(err, "tRIPayload")
		}
		return ber.End(dst, m), nil
	}
}

func appendTRIPayload(dst []byte, t *TRIPayload) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(2))
	m := len(dst)
	switch t.Kind {
	case TRIPadding:
		dst = ber.AppendOctetString(dst, ber.Ctx(uint32(t.Kind)), t.Padding)
	case TRITest, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset:
		if len(t.Padding) != 0 {
			return dst, fmt.Errorf("%w: Padding set on %s", ErrConstraint, t.Kind)
		}
		dst = ber.AppendNull(dst, ber.Ctx(uint32(t.Kind))) //nolint:gosec // G115: t.Kind is a small enum, the context tag number
	default:
		return dst, fmt.Errorf("%w: %s", ErrUnknownEnum, t.Kind)
	}
	return ber.End(dst, m), nil
}

func appendIRIPayload(dst []byte, p *IRIPayload, v Version, f TimeFraction) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.Sequence())
	m := len(dst)
	if p.IRIType != nil {
		if !p.IRIType.valid() {
			return dst, encWrap(fmt.Errorf("%w: %s", ErrUnknownEnum, p.IRIType), "iRIType")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(0), int64(*p.IRIType))
	}
	if p.TimeStamp != nil {
		if dst, err = appendTimeFraction(dst, ber.Ctx(1), p.TimeStamp, f); err != nil {
			return dst, encWrap(err, "timeStamp")
		}
	}
	c := &p.Contents
	if (c.EmailIRI == nil) == (c.MessagingIRI == nil) {
		return dst, encWrap(fmt.Errorf("%w: set exactly one of emailIRI, messagingIRI", ErrChoice), "iRIContents")
	}
	dst = ber.Begin(dst, ber.CtxC(2))
	m2 := len(dst)
	if c.EmailIRI != nil {
		dst, err = appendEmailIRI(dst, c.EmailIRI, v)
		err = wrapIf(err, "iRIContents.emailIRI")
	} else {
		dst, err = appendMessagingIRI(dst, c.MessagingIRI, v)
		err = wrapIf(err, "iRIContents.messagingIRI")
	}
	if err != nil {
		return dst, err
	}
	dst = ber.End(dst, m2)
	if dst, err = appendTail(dst, p.MicroSecondTimeStamp, p.TimeStampQualifier, f); err != nil {
		return dst, err
	}
	if dst, err = appendDirection(dst, 5, p.SessionDirection); err != nil {
		return dst, encWrap(err, "sessionDirection")
	}
	if dst, err = appendDirection(dst, 6, p.PayloadDirection); err != nil {
		return dst, encWrap(err, "payloadDirection")
	}
	return ber.End(dst, m), nil
}

// appendTail writes microSecondTimeStamp [3] and timeStampQualifier [4] of IRI/CC payloads.
func appendTail(dst []byte, ts *MicroSecondTimeStamp, q *TimeStampQualifier, f TimeFraction) ([]byte, error) {
	var err error
	if ts != nil {
		if dst, err = appendMicroSecondTimeStamp(dst, ber.CtxC(3), ts, f); err != nil {
			return dst, encWrap(err, "microSecondTimeStamp")
		}
	}
	if q != nil {
		if !q.valid() {
			return dst, encWrap(fmt.Errorf("%w: %s", ErrUnknownEnum, q), "timeStampQualifier")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(4), int64(*q))
	}
	return dst, nil
}

func appendDirection(dst []byte, tag uint32, d *PayloadDirection) ([]byte, error) {
	if d == nil {
		return dst, nil
	}
	if !d.valid() {
		return dst, fmt.Errorf("%w: %s", ErrUnknownEnum, d)
	}
	return ber.AppendEnumerated(dst, ber.Ctx(tag), int64(*d)), nil
}

func wrapIf(err error, seg string) error {
	if err == nil {
		return nil
	}
	return encWrap(err, seg)
}

func appendCCPayload(dst []byte, p *CCPayload, v Version, f TimeFraction) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.Sequence())
	m := len(dst)
	if dst, err = appendDirection(dst, 0, p.PayloadDirection); err != nil {
		return dst, encWrap(err, "payloadDirection")
	}
	if p.TimeStamp != nil {
		if dst, err = appendTimeFraction(dst, ber.Ctx(1), p.TimeStamp, f); err != nil {
			return dst, encWrap(err, "timeStamp")
		}
	}
	c := &p.Contents
	if (c.EmailCC == nil) == (c.MessagingCC == nil) {
		return dst, encWrap(fmt.Errorf("%w: set exactly one of emailCC, messagingCC", ErrChoice), "cCContents")
	}
	dst = ber.Begin(dst, ber.CtxC(2))
	m2 := len(dst)
	if c.EmailCC != nil {
		dst, err = appendEmailCC(dst, c.EmailCC, v)
		err = wrapIf(err, "cCContents.emailCC")
	} else {
		dst, err = appendMessagingCC(dst, c.MessagingCC, v)
		err = wrapIf(err, "cCContents.messagingCC")
	}
	if err != nil {
		return dst, err
	}
	dst = ber.End(dst, m2)
	if dst, err = appendTail(dst, p.MicroSecondTimeStamp, p.TimeStampQualifier, f); err != nil {
		return dst, err
	}
	return ber.End(dst, m), nil
}

// appendObjID writes a payload's [0] RELATIVE-OID: the model's, or {5 2 v.Email kind}.
func appendObjID(dst []byte, name string, id OID, v Version, kind uint32) ([]byte, error) {
	if id != nil {
		if err := objIDShape(id, kind); err != nil {
			return dst, encWrap(err, name)
		}
		d, err := ber.AppendRelativeOID(dst, ber.Ctx(0), id)
		if err != nil {
			return dst, encWrap(err, name)
		}
		return d, nil
	}
	arcs := [...]uint32{5, 2, v.Email, kind}
	d, _ := ber.AppendRelativeOID(dst, ber.Ctx(0), arcs[:])
	return d, nil
}

// Object id kinds: the last arc of the payload relative OIDs.
const (
	objEmailIRI     = 1
	objEmailCC      = 2
	objMessagingIRI = 3
	objMessagingCC  = 4
)
