// Package mediation turns source-neutral intercept records into PS-PDUs: it matches
// records to warrants, allocates CINs, event-identifiers and sequence numbers (in Redis,
// shared by every umli instance), derives iRIType, and hands encoded PDUs to handover.
//
// What flows in: record.Record through Submit (the Mediator is a record.Sink). What
// flows out: BER-encoded PS-PDUs, per warrant (LIID), into handover's durable queue —
// IRI on HI2, CC on HI3 when the warrant's scope includes content.
//
// The path of one record:
//
//  1. Submit matches its identities against the warrant table (package warrant). No
//     active warrant: the record is dropped at once, counted by reason, never stored or
//     logged. Content that cannot be encoded is refused here, before any number exists.
//  2. The record waits in a bounded in-memory queue, sharded by sequence so that order
//     per sequence is kept; while Redis is unreachable records wait there (metric
//     umli_mediation_queue_depth) and Submit blocks when it is full.
//  3. One Redis round trip (package session) allocates CIN, iRIType, event-identifier and
//     a sequence number per LIID, and writes a journal entry: the record and its numbers.
//  4. The PDUs are built per destination (schema version, timestamp style) and queued in
//     handover, every queue of a batch in one pipelined round trip; then the journal entry
//     is deleted (in batches). Each worker numbers its next batch while the previous one
//     is being queued, in order.
//
// A crash between 3 and 4 leaves the journal entry; the instance re-delivers its journal
// when it starts, so numbers are never lost and never reused. A PDU may then reach the
// LEMF twice, byte for byte the same; the LEMF deduplicates by (LIID, CIN, sequence
// number). Sequences that idle out are closed by a sweeper in every instance, exactly one
// of which wins each close, with a synthesized iRI-End (the Open record's CloseEvent, or a
// generic end built from the last IRI).
//
// Accountability: with an audit log, mediation records the warrant windows it closes,
// and a DeliveryAudit installed into handover's configuration summarizes what handover
// wrote to each LEMF (LIID, network element, CIN, sequence range, counts; never content)
// into Delivery entries every audit.deliveryInterval.
package mediation
