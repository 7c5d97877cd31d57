package etsi

import (
	"github.com/umli/umli/mediation/etsi/ber"
)

// PayloadKind is the Payload CHOICE alternative of a PS-PDU.
type PayloadKind uint8

// The Payload alternatives PeekHeader reports.
const (
	PayloadIRI PayloadKind = iota + 1 // iRIPayloadSequence [0]
	PayloadCC                         // cCPayloadSequence [1]
	PayloadTRI                        // tRIPayload [2] (keep-alives)
)

// String gives "IRI", "CC" or "TRI".
func (k PayloadKind) String() string {
	switch k {
	case PayloadIRI:
		return "IRI"
	case PayloadCC:
		return "CC"
	case PayloadTRI:
		return "TRI"
	}
	return "unknown"
}

// HeaderSummary is what PeekHeader reads: the numbering of a PS-PDU, nothing of its content.
type HeaderSummary struct {
	// LIID aliases the peeked bytes; copy it to keep it.
	LIID []byte
	// NetworkElement is the networkElementIdentifier (nil when absent), aliasing the
	// peeked bytes. Sequence numbers count per (LIID, network element, CIN, IRI|CC).
	NetworkElement []byte
	// CIN is the communicationIdentityNumber; HasCIN is false when the PDU has none.
	CIN    uint32
	HasCIN bool
	// SequenceNumber is the PSHeader's sequenceNumber.
	SequenceNumber uint32
	// Kind is the Payload alternative.
	Kind PayloadKind
	// TRI is the TRIPayload alternative when Kind is PayloadTRI (keep-alive,
	// keep-aliveResponse, ...), 0 otherwise; only its tag is read.
	TRI TRIKind
}

// PeekHeader reads the LIID, network element, CIN and sequence number of the first PS-PDU in pdu and the tag
// of its Payload CHOICE, without decoding anything else: the cost does not grow with the
// content, so it suits every PDU on the delivery path. Unknown header fields are skipped;
// the PDU is not validated beyond what is read. Errors are *DecodeError.
func PeekHeader(pdu []byte) (HeaderSummary, error) {
	var hs HeaderSummary
	r := ber.NewReader(pdu, 0, ber.DefaultMaxDepth)
	var top ber.Element
	if err := r.NextInto(&top); err != nil {
		return hs, decWrap(err, "PS-PDU", 0)
	}
	if err := top.Expect(ber.Sequence()); err != nil {
		return hs, decWrap(err, "PS-PDU", 0)
	}
	fields, _ := top.Children() // constructed: checked by Expect
	var seen uint8
	var c ber.Element
	for !fields.Empty() && seen&(1<<2) == 0 {
		if err := fields.NextInto(&c); err != nil {
			return hs, decWrap(err, "PS-PDU", fields.Offset())
		}
		switch {
		case c.Tag == ber.CtxC(1):
			if err := peekPSHeader(&c, &hs); err != nil {
				return hs, decWrap(err, "PS-PDU.pSHeader", c.Offset)
			}
			seen |= 1 << 1
		case c.Tag == ber.CtxC(2):
			if err := peekPayload(&c, &hs); err != nil {
				return hs, decWrap(err, "PS-PDU.payload", c.Offset)
			}
			seen |= 1 << 2
		default:
			return hs, decWrap(unexpected(&c), "PS-PDU", c.Offset)
		}
	}
	switch {
	case seen&(1<<1) == 0:
		return hs, &DecodeError{Offset: top.Offset, Path: "PS-PDU.pSHeader", Err: ErrMissing}
	case seen&(1<<2) == 0:
		return hs, &DecodeError{Offset: top.Offset, Path: "PS-PDU.payload", Err: ErrMissing}
	}
	return hs, nil
}

// peekPSHeader reads lawfulInterceptionIdentifier [1], communicationIdentifier [3] and
// sequenceNumber [4]; the fields after it are not read at all.
func peekPSHeader(e *ber.Element, hs *HeaderSummary) error {
	r, _ := e.Children() // constructed: the caller matched CtxC
	var c ber.Element
	for !r.Empty() {
		if err := r.NextInto(&c); err != nil {
			return err
		}
		switch c.Tag {
		case ber.Ctx(1):
			if n := len(c.Content); n < 1 || n > 25 {
				return wrapField(atOff(&c, sizeIn("LIID", n, SizePSHeaderLawfulInterceptionIdentifierMin, SizePSHeaderLawfulInterceptionIdentifierMax)), "lawfulInterceptionIdentifier", &c)
			}
			hs.LIID = c.Content
		case ber.CtxC(1):
			// Legal BER, but umli never writes it; reassembling would allocate.
			return wrapField(&ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "segmented LIID"}, "lawfulInterceptionIdentifier", &c)
		case ber.CtxC(3):
			if err := peekCIN(&c, hs); err != nil {
				return wrapField(err, "communicationIdentifier", &c)
			}
		case ber.Ctx(4):
			v, err := c.Uint32()
			if err != nil {
				return wrapField(err, "sequenceNumber", &c)
			}
			hs.SequenceNumber = v
			if hs.LIID == nil {
				return &DecodeError{Offset: e.Offset, Path: "lawfulInterceptionIdentifier", Err: ErrMissing}
			}
			return nil
		default:
			if c.Tag.Class != ber.Context || c.Tag.Number > 4 {
				return unexpected(&c)
			}
		}
	}
	return &DecodeError{Offset: e.Offset, Path: "sequenceNumber", Err: ErrMissing}
}

// peekCIN reads the networkElementIdentifier of networkIdentifier [0] and
// communicationIdentityNumber [1] of a CommunicationIdentifier.
func peekCIN(e *ber.Element, hs *HeaderSummary) error {
	r, _ := e.Children()
	var c ber.Element
	for !r.Empty() {
		if err := r.NextInto(&c); err != nil {
			return err
		}
		switch c.Tag {
		case ber.CtxC(0):
			if err := peekNE(&c, hs); err != nil {
				return wrapField(err, "networkIdentifier", &c)
			}
		case ber.Ctx(1):
			v, err := c.Uint32()
			if err != nil {
				return wrapField(err, "communicationIdentityNumber", &c)
			}
			hs.CIN, hs.HasCIN = v, true
			return nil
		}
	}
	return nil
}

// peekNE reads networkElementIdentifier [1] of a NetworkIdentifier.
func peekNE(e *ber.Element, hs *HeaderSummary) error {
	r, _ := e.Children()
	var c ber.Element
	for !r.Empty() {
		if err := r.NextInto(&c); err != nil {
			return err
		}
		switch c.Tag {
		case ber.Ctx(1):
			if n := len(c.Content); n < 1 || n > 16 {
				return wrapField(atOff(&c, sizeIn("networkElementIdentifier", n, SizeNetworkIdentifierNetworkElementIdentifierMin, SizeNetworkIdentifierNetworkElementIdentifierMax)), "networkElementIdentifier", &c)
			}
			hs.NetworkElement = c.Content
			return nil
		case ber.CtxC(1):
			return wrapField(&ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "segmented networkElementIdentifier"}, "networkElementIdentifier", &c)
		}
	}
	return nil
}

// peekPayload reads only the tag of the Payload CHOICE alternative, and for a
// tRIPayload the tag of its alternative.
func peekPayload(e *ber.Element, hs *HeaderSummary) error {
	r, _ := e.Children()
	t, err := r.PeekTag()
	if err != nil {
		return err
	}
	if t.Class == ber.Context && t.Constructed {
		switch t.Number {
		case 0:
			hs.Kind = PayloadIRI
			return nil
		case 1:
			hs.Kind = PayloadCC
			return nil
		case 2:
			hs.Kind = PayloadTRI
			return peekTRI(&r, hs)
		}
	}
	return &ber.Error{Offset: r.Offset(), Err: ErrUnsupported, Detail: "Payload alternative " + t.String()}
}

// peekTRI reads the tag of the TRIPayload alternative at r.
func peekTRI(r *ber.Reader, hs *HeaderSummary) error {
	var c ber.Element
	if err := r.NextInto(&c); err != nil {
		return err
	}
	alts, _ := c.Children() // constructed: the caller peeked CtxC
	t, err := alts.PeekTag()
	if err != nil {
		return wrapField(err, "tRIPayload", &c)
	}
	if k := TRIKind(t.Number); t.Class == ber.Context && k.valid() {
		hs.TRI = k
		return nil
	}
	return wrapField(&ber.Error{Offset: alts.Offset(), Err: ErrUnsupported, Detail: "TRIPayload alternative " + t.String()}, "tRIPayload", &c)
}
