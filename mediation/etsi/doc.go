// Package etsi is the typed Go model of the ETSI handover structures umli emits and the
// LEMF reads: TS 102 232-1 PS-PDUs (header, IRI/CC/TRI payloads) carrying the
// TS 102 232-2 EmailIRI, EmailCC, MessagingIRI and MessagingCC payloads.
//
// Names follow the ASN.1 in ../shared/asn1 (LI-PS-PDU version43, EmailPDU version20).
// Optional ASN.1 fields are pointers, nil slices or empty strings; an empty optional
// string or byte slice means "absent" (the schema's SIZE constraints exclude empty values
// for every such field that matters to a LEMF).
//
// The BER encoder, decoder and the JSON form used by the LEMF live beside the model.
package etsi
