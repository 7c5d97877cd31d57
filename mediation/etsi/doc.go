// Package etsi is the typed Go model of the ETSI handover structures umli emits and the
// LEMF reads: TS 102 232-1 PS-PDUs (header, IRI/CC/TRI payloads) carrying the
// TS 102 232-2 EmailIRI, EmailCC, MessagingIRI and MessagingCC payloads, with their BER
// codec and the JSON form the LEMF prints.
//
// # API summary
//
// Encoding (definite-length BER, tags per shared/asn1, appended to a reusable buffer):
//
//	buf, err = pdu.AppendBER(buf[:0], etsi.LatestVersion())   // or etsi.Seed9Version(), or a destination's Version
//	tmpl, err := etsi.NewHeaderTemplate(hdr, v)                 // per (LIID, CIN): pre-encoded header
//	buf, err = tmpl.AppendBER(buf[:0], &pdu)                    // patches only seq number and time stamps
//
// Decoding (BER, definite and indefinite lengths; errors are *DecodeError{Offset, Path, Err}):
//
//	pdu, n, err := etsi.DecodePSPDU(b)      // first PS-PDU in b and the bytes it used
//	n, err := ber.FrameLength(stream, max)  // stream framing (package ber): ber.ErrIncomplete = read more
//
// JSON (one object per PDU, ASN.1 identifiers as keys; see JSON.md):
//
//	js, err := pdu.JSON()
//
// Versions: Version{Header, Email}; LatestVersion() is 43/20, Seed9Version() is 43/9.
// Version-20-only optional fields are omitted for older destinations; a version-20-only
// enumeration value or CHOICE alternative is an *EncodeError (ErrVersion). To downgrade on
// purpose, call ForVersion on the PDU or payload first: it maps to representable values
// (e.g. operation-lost -> unknown) and returns a Downgrade note for every change.
//
// Enumerations: every enum type has String() (the ASN.1 identifier) and ParseXxx(string).
//
// Constructors: KeepAlivePDU, KeepAliveResponsePDU, TRIPDU, IRIPDU, CCPDU.
//
// Model conventions: names follow the ASN.1 in shared/asn1 (LI-PS-PDU version43, EmailPDU
// version20). Optional ASN.1 fields are pointers, nil slices or empty strings; an empty
// optional string or byte slice means "absent" (the schema's SIZE constraints exclude empty
// values for every such field that matters to a LEMF), and the decoder returns empty octet
// strings as nil. msisdn is carried as digits and written as a MAP AddressString (0x91 + TBCD);
// imsi/imei as digits written as TBCD; e164-format as digits (a leading '+' is dropped) written
// in the ISUP calling party number format of EN 300 356 that its ASN.1 comment prescribes:
// international number, ISDN/E.164 plan, presentation allowed and screening "network provided"
// (the platform asserts the number), BCD digits (see e164.go). The decoder rejects any other
// nature of address or numbering plan, an incomplete number, non-BCD signals and a bad filler,
// accepts presentation restricted, and keeps only the digits.
//
// The ASN.1 coding comments (IPAddress type/value agreement, iPv6PrefixLength and
// iPv4SubnetMask, URI schemes, NAI, port-number, MIME content-type and transfer encoding,
// RFC 4646 language, ip-packet content, ISO 3166-1 country codes) are enforced on encode and
// decode (coding.go); the one repair: an IPv6 binary address without iPv6PrefixLength, which
// the comment makes mandatory, is written with /128.
//
// The enumeration types and the SIZE/range constants (Size…, Range…, Count… in
// asn1_constraints_gen.go) are generated from shared/asn1 by go generate (internal/asn1gen,
// asn1gen.spec); never edit the *_gen.go files.
package etsi
