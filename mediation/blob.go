package mediation

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// journalRecord is a record as the journal keeps it: everything needed to rebuild its
// PDUs, nothing more. Target identities are not kept (the LIIDs were already resolved),
// and neither is the close event (it travels in its own blob).
type journalRecord struct {
	// Synthesized marks an idle-close end: its time is the time of the close.
	Synthesized bool `json:"syn,omitempty"`
	record.Record
}

// Journal blobs are binary (blobBinary): a short envelope, then the content as a BER
// PS-PDU at the latest schema version, which mediation/etsi encodes and decodes without
// reflection. Content that does not encode as it is (it needs etsi's Conform rules) is
// journaled as JSON, the form every blob had before; decodeBlob reads both, so a journal
// written by an older release is replayed after an upgrade.
//
// Binary layout: blobBinary, flags (blobSynthesized, blobNoTime, blobNoObjID), boundary,
// direction, content kind (blobMessagingIRI..blobEmailCC), time as a varint of Unix
// nanoseconds, then source, correlation key, event key and claim as uvarint-length
// strings, then the PS-PDU.
const (
	blobBinary = 0x01

	blobSynthesized = 1 << 0
	blobNoTime      = 1 << 1
	blobNoObjID     = 1 << 2 // the content's ObjID was nil (the encoder writes the version's)

	blobMessagingIRI = 1
	blobEmailIRI     = 2
	blobMessagingCC  = 3
	blobEmailCC      = 4
)

// blobHeader is the placeholder header of a journaled PS-PDU; only its payload is read back.
var blobHeader = etsi.PSHeader{LIID: "j", CommunicationIdentifier: etsi.CommunicationIdentifier{
	NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "j"}}}

func encodeBlob(r *record.Record, synthesized bool) ([]byte, error) {
	return appendBlob(&pduScratch{}, make([]byte, 0, 96+blobContentSize(r)), r, synthesized)
}

// blobContentSize guesses the content's encoded size, so that one allocation holds the blob.
func blobContentSize(r *record.Record) int {
	switch {
	case r.MessagingCC != nil:
		return len(r.MessagingCC.Content) + len(r.MessagingCC.ContentType) + 48
	case r.EmailCC != nil:
		return len(r.EmailCC.Content) + 32
	}
	return 160
}

// appendBlob appends r's journal blob to dst; s is working memory (the encoder's PS-PDU
// points into it).
func appendBlob(s *pduScratch, dst []byte, r *record.Record, synthesized bool) ([]byte, error) {
	start := len(dst)
	var flags byte
	if synthesized {
		flags |= blobSynthesized
	}
	if r.Time.IsZero() {
		flags |= blobNoTime
	}
	var kind byte
	var payload etsi.Payload
	iri, cc := s.iri[:], s.cc[:]
	s.it, s.dir = etsi.IRIReport, r.Direction
	rep, dir := &s.it, &s.dir
	switch {
	case r.MessagingIRI != nil:
		kind, iri[0] = blobMessagingIRI, etsi.IRIPayload{IRIType: rep, Contents: etsi.IRIContents{MessagingIRI: r.MessagingIRI}}
		if r.MessagingIRI.ObjID == nil {
			flags |= blobNoObjID
		}
	case r.EmailIRI != nil:
		kind, iri[0] = blobEmailIRI, etsi.IRIPayload{IRIType: rep, Contents: etsi.IRIContents{EmailIRI: r.EmailIRI}}
		if r.EmailIRI.ObjID == nil {
			flags |= blobNoObjID
		}
	case r.MessagingCC != nil:
		kind, cc[0] = blobMessagingCC, etsi.CCPayload{PayloadDirection: dir, Contents: etsi.CCContents{MessagingCC: r.MessagingCC}}
		if r.MessagingCC.ObjID == nil {
			flags |= blobNoObjID
		}
	case r.EmailCC != nil:
		kind, cc[0] = blobEmailCC, etsi.CCPayload{PayloadDirection: dir, Contents: etsi.CCContents{EmailCC: r.EmailCC}}
		if r.EmailCC.ObjID == nil {
			flags |= blobNoObjID
		}
	default:
		return dst, fmt.Errorf("%w: no content to journal", ErrBadRecord)
	}
	if kind <= blobEmailIRI {
		payload.IRI = iri
	} else {
		payload.CC = cc
	}
	dst = append(dst, blobBinary, flags, byte(r.Boundary), byte(r.Direction), kind) //nolint:gosec // G115: Boundary and Direction are small enums (< 8)
	var t int64
	if !r.Time.IsZero() {
		t = r.Time.UnixNano()
	}
	dst = binary.AppendVarint(dst, t)
	for _, s := range [...]string{r.Source, r.CorrelationKey, r.EventKey, r.Claim} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	pdu := etsi.PSPDU{Header: blobHeader, Payload: payload}
	out, err := pdu.AppendBER(dst, etsi.LatestVersion())
	if err != nil || r.Boundary < 0 || r.Boundary > 255 || r.Direction < 0 || r.Direction > 255 {
		// Content that needs conforming, or values out of the envelope's range: JSON.
		return appendBlobJSON(dst[:start], r, synthesized)
	}
	return out, nil
}

func appendBlobJSON(dst []byte, r *record.Record, synthesized bool) ([]byte, error) {
	jr := journalRecord{Synthesized: synthesized, Record: *r}
	jr.Identities, jr.CloseEvent = nil, nil
	b, err := json.Marshal(&jr)
	if err != nil {
		return dst, fmt.Errorf("mediation: serialize record: %w", err)
	}
	return append(dst, b...), nil
}

func decodeBlob(b []byte) (*journalRecord, error) {
	var jr journalRecord
	if len(b) > 0 && b[0] == blobBinary {
		if err := decodeBinaryBlob(b, &jr); err != nil {
			return nil, fmt.Errorf("mediation: journal record: %w", err)
		}
	} else if err := json.Unmarshal(b, &jr); err != nil {
		return nil, fmt.Errorf("mediation: journal record: %w", err)
	}
	if _, err := contentKind(&jr.Record); err != nil {
		return nil, err
	}
	return &jr, nil
}

var errBlobShort = errors.New("binary blob truncated")

func decodeBinaryBlob(b []byte, jr *journalRecord) error {
	if len(b) < 6 {
		return errBlobShort
	}
	flags, kind := b[1], b[4]
	jr.Synthesized = flags&blobSynthesized != 0
	jr.Boundary, jr.Direction = record.Boundary(b[2]), etsi.PayloadDirection(b[3])
	b = b[5:]
	t, n := binary.Varint(b)
	if n <= 0 {
		return errBlobShort
	}
	b = b[n:]
	if flags&blobNoTime == 0 {
		jr.Time = time.Unix(0, t).UTC()
	}
	var strs [4]string
	for i := range strs {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) { //nolint:gosec // G115: n > 0 and n <= len(b) (varint read from b)
			return errBlobShort
		}
		strs[i], b = string(b[n:n+int(l)]), b[n+int(l):] //nolint:gosec // G115: l <= len(b)-n, checked on the line above
	}
	jr.Source, jr.CorrelationKey, jr.EventKey, jr.Claim = strs[0], strs[1], strs[2], strs[3]
	p, used, err := etsi.DecodePSPDU(b)
	if err != nil {
		return err
	}
	if used != len(b) {
		return fmt.Errorf("%d bytes after the PS-PDU", len(b)-used)
	}
	noObj := flags&blobNoObjID != 0
	switch {
	case kind <= blobEmailIRI && len(p.Payload.IRI) == 1:
		c := p.Payload.IRI[0].Contents
		switch {
		case kind == blobMessagingIRI && c.MessagingIRI != nil:
			jr.MessagingIRI = c.MessagingIRI
			if noObj {
				jr.MessagingIRI.ObjID = nil
			}
		case kind == blobEmailIRI && c.EmailIRI != nil:
			jr.EmailIRI = c.EmailIRI
			if noObj {
				jr.EmailIRI.ObjID = nil
			}
		default:
			return fmt.Errorf("content kind %d does not match the PS-PDU", kind)
		}
	case kind <= blobEmailCC && len(p.Payload.CC) == 1:
		c := p.Payload.CC[0].Contents
		switch {
		case kind == blobMessagingCC && c.MessagingCC != nil:
			jr.MessagingCC = c.MessagingCC
			if noObj {
				jr.MessagingCC.ObjID = nil
			}
		case kind == blobEmailCC && c.EmailCC != nil:
			jr.EmailCC = c.EmailCC
			if noObj {
				jr.EmailCC.ObjID = nil
			}
		default:
			return fmt.Errorf("content kind %d does not match the PS-PDU", kind)
		}
	default:
		return fmt.Errorf("content kind %d does not match the PS-PDU", kind)
	}
	return nil
}

// closeRecord is the IRI delivered as iRI-End when the sequence r belongs to idles out:
// the Open's explicit close event when it has one.
func closeRecord(r *record.Record, explicit *etsi.MessagingIRI) *record.Record {
	return new(closeParts).record(r, explicit)
}

// closeParts is the memory of one close record, so that Submit builds it in its pooled
// scratch (pduScratch.close) instead of three allocations per record.
type closeParts struct {
	rec record.Record
	mi  etsi.MessagingIRI
	cat etsi.MessagingEventCategory
	ev  etsi.MessagingBoxEvent
	ei  etsi.EmailIRI
}

// record is closeRecord built in c; nil when r has no IRI to close with.
func (c *closeParts) record(r *record.Record, explicit *etsi.MessagingIRI) *record.Record {
	c.rec = record.Record{Source: r.Source, CorrelationKey: r.CorrelationKey, Boundary: record.Close, Time: r.Time}
	switch {
	case explicit != nil:
		c.mi = *explicit
		c.rec.MessagingIRI = &c.mi
	case r.MessagingIRI != nil:
		c.ev = etsi.BoxDisconnect
		c.cat = etsi.MessagingEventCategory{MessageBox: &c.ev}
		c.mi = genericMessagingEndOf(r.MessagingIRI, &c.cat)
		c.rec.MessagingIRI = &c.mi
	case r.EmailIRI != nil:
		c.ei = genericEmailEndOf(r.EmailIRI)
		c.rec.EmailIRI = &c.ei
	default:
		return nil
	}
	return &c.rec
}

// genericMessagingEndOf keeps who and which box from the last IRI and says (cat, a
// message-box disconnect): the system disconnected the box session, outcome unknown.
func genericMessagingEndOf(last *etsi.MessagingIRI, cat *etsi.MessagingEventCategory) etsi.MessagingIRI {
	return etsi.MessagingIRI{
		SystemType:       last.SystemType,
		SystemIdentifier: last.SystemIdentifier,
		Category:         cat,
		Status:           etsi.StatusUnknown,
		PartyInformation: last.PartyInformation,
		Trigger:          etsi.TriggerSystem,
		BoxIdentifier:    last.BoxIdentifier,
	}
}

// genericEmailEndOf keeps the connection from the last IRI and says: logoff, status
// unknown. Credentials and message data are not repeated.
func genericEmailEndOf(last *etsi.EmailIRI) etsi.EmailIRI {
	return etsi.EmailIRI{
		EventType:        etsi.EmailLogoff,
		ClientAddress:    last.ClientAddress,
		ServerAddress:    last.ServerAddress,
		ClientPort:       last.ClientPort,
		ServerPort:       last.ServerPort,
		ServerOctetsSent: last.ServerOctetsSent,
		ClientOctetsSent: last.ClientOctetsSent,
		ProtocolID:       last.ProtocolID,
		Status:           etsi.EmailStatusUnknown,
	}
}
