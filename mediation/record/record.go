// Package record is the contract between the sources (umsys, rtpcapture, email) and
// mediation. A source says what happened to whom and in which logical sequence; it never
// chooses LIIDs, CINs, event-identifiers or sequence numbers, and never sees BER.
package record

import (
	"context"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// IdentityKind names the kind of a target-side identity.
type IdentityKind int

// Identity kinds that warrants can name.
const (
	IdentityE164   IdentityKind = iota + 1 // MSISDN / E.164 number, with or without '+'
	IdentityEmail                          // e-mail address, matched case-insensitively
	IdentityBoxID                          // UM platform mailbox identifier (e.g. "1000@example.net")
	IdentitySIPURI                         // sip:/sips:/tel: URI
	IdentityIP                             // IP address
)

// Identity is one target-side identity a record concerns.
type Identity struct {
	Kind  IdentityKind
	Value string
}

// Boundary says how a record relates to its logical sequence (TS 102 232-2 clause 8.1:
// login … logout, connect … disconnect share one CIN).
type Boundary int

// Boundary values. Mediation derives iRIType from them and from the sequence's state.
const (
	Standalone Boundary = iota // iRI-Report, its own CIN
	Open                       // iRI-Begin (iRI-Continue when the sequence is already open)
	Continue                   // iRI-Continue (iRI-Begin when the sequence is not open yet)
	Close                      // iRI-End (iRI-Report when no sequence is open)
	// Report is an event inside the sequence that neither begins nor ends it (TS 102
	// 232-2 Table C.1: IMAP FETCH and APPEND are iRI-Report in the session's CIN):
	// iRI-Report in the open sequence's CIN, iRI-Report in a CIN of its own when none is
	// open. It never marks the sequence as begun: a later Open is still iRI-Begin unless
	// an IRI already began it, and it never opens or closes a sequence.
	Report
)

// Record is one intercept record: an IRI event or one chunk of content.
// Exactly one of MessagingIRI, EmailIRI, MessagingCC, EmailCC is set, or none on a gap
// marker (Lost).
type Record struct {
	// Identities are the target-side identities this record concerns; mediation matches
	// them against warrants and drops the record at once when none matches.
	Identities []Identity
	// Source names the network element the record came from (e.g. "fs-um-1"); CINs are
	// unique per network element.
	Source string
	// CorrelationKey names the logical sequence within Source (vendor session UUID,
	// SIP Call-ID, TCP 4-tuple). Records with the same key share a CIN while it is open.
	CorrelationKey string
	Boundary       Boundary
	// EventKey links CC to IRI: records of one sequence with the same EventKey get the same
	// event-identifier. Empty for IRI that has no content.
	EventKey string
	// Time is the time of interception.
	Time time.Time

	MessagingIRI *etsi.MessagingIRI
	EmailIRI     *etsi.EmailIRI
	// MessagingCC's EventIdentifier is filled by mediation from EventKey.
	MessagingCC *etsi.MessagingCC
	EmailCC     *etsi.EmailCC
	// Direction of CC relative to the target.
	Direction etsi.PayloadDirection
	// CloseEvent, on an Open record, is the IRI mediation synthesizes (as iRI-End) when
	// the sequence idles out without a Close, e.g. Messaging-Box-Event disconnect with
	// status unknown. Nil means a generic end is built from the last IRI.
	CloseEvent *etsi.MessagingIRI
	// Claim, when set, names this record identically on every umli instance consuming the
	// same feed (platform event identity plus the record's index within the event):
	// mediation numbers and delivers only the first instance's record (session.Step.Claim).
	Claim string
	// Lost, when set, makes this a gap marker instead of an event: a source dropped that
	// many IRI and CC records of the sequence before mediation saw them (a full queue
	// behind a stalled sink). No content is set; mediation spends the sequence numbers
	// the lost records would have had, so the LEMF sees the gap, and audits it.
	Lost *Lost
}

// Lost counts the records of one sequence a source could not hand over.
type Lost struct {
	IRI, CC uint32
}

// Sink receives records from a source. Submit returns once the record is matched and in
// mediation's bounded in-memory queue (or dropped as not targeted); it is not yet durable,
// so a crash before numbering loses it. Sources that acknowledge upstream (a webhook's
// 2xx, a SIPREC BYE answered only after the last chunk) must wait for durability with
// the mediator's SubmitDurable, which returns once the PDUs are in the durable handover
// queue. An error means the record was not taken and the source may retry.
type Sink interface {
	Submit(ctx context.Context, r *Record) error
}
