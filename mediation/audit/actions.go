package audit

import (
	"strconv"
	"time"
)

// Actions other components record, so that the log reads the same whichever wrote it.
// X1 requests are recorded under their X1 request type (ActivateTask, …).
const (
	ActionTaskExpired  = "TaskExpired"  // an X1 task's EndTime passed; it was deactivated
	ActionWindowOpened = "WindowOpened" // a warrant's StartTime was reached
	ActionWindowClosed = "WindowClosed" // a warrant's EndTime was reached; its CINs closed
	ActionDelivery     = "Delivery"     // PDUs handed to an LEMF
	ActionTLSHandshake = "TLSHandshake" // a client refused before any request
	ActionIngestPeer   = "IngestPeer"   // an ingest peer authenticated (its subject) or refused
	// ActionFieldAdjusted: a field of an IRI or CC broke its ASN.1 constraint and was
	// changed by its documented rule (mediation/etsi/CONSTRAINTS.md) so the PDU could be
	// delivered. The entry names the field and the rule, never the content.
	ActionFieldAdjusted = "FieldAdjusted"
	// ActionRecordsLost: a source lost records of a target's sequence before numbering
	// (its queue full behind a stalled mediation); their numbers were spent, so the LEMF
	// sees the gap. The entry names LIID, network element, CIN, kind, numbers and count.
	ActionRecordsLost = "RecordsLost"
	// ActionBlindSession: a tapped session went encrypted where the tap cannot read it
	// (TLS without a certificate to terminate it). With a LIID when the identities known
	// before the switch matched a warrant; else a count per network element, no identity.
	ActionBlindSession = "BlindSession"
	// ActionMalformedSession: a tapped session sent bytes its protocol does not allow; the
	// tap went on intercepting past them. Like BlindSession: with a LIID when the identities
	// known then matched a warrant, else a count per network element and protocol. The
	// reason names protocol, direction, line and byte, never the bytes.
	ActionMalformedSession = "MalformedSession"
)

// ActorSystem is the actor of acts umli takes by itself (timers, deliveries).
const ActorSystem = "system"

// DeliverySummary is what is audited of the PDUs of one sequence (LIID, network element,
// CIN, kind) written to one destination's interface during one summary period: numbers
// and counts, never content.
type DeliverySummary struct {
	LIID string
	// NetworkElement is the PSHeader's networkElementIdentifier ("" when absent).
	NetworkElement string
	// CIN is the communicationIdentityNumber; HasCIN is false for PDUs without one.
	CIN    uint64
	HasCIN bool
	// FirstSeq and LastSeq are the lowest and highest sequence numbers written.
	FirstSeq, LastSeq uint64
	// PDUs counts first writes; Replayed counts PDUs written again after a reconnect
	// (at-least-once delivery), whose numbers are inside the range too.
	PDUs, Replayed int
	// Kind is the payload: "IRI" or "CC".
	Kind string
	// Destination and HI name the LEMF connection ("hi2", "hi3").
	Destination, HI string
	// Since is when the first of these PDUs was written.
	Since time.Time
}

// Delivery records a delivery summary.
func (l *Log) Delivery(s DeliverySummary) (Entry, error) {
	d := map[string]string{
		"liid": s.LIID, "kind": s.Kind,
		"seq":  strconv.FormatUint(s.FirstSeq, 10) + "-" + strconv.FormatUint(s.LastSeq, 10),
		"pdus": strconv.Itoa(s.PDUs), "replayed": strconv.Itoa(s.Replayed),
		"destination": s.Destination, "hi": s.HI,
	}
	if s.NetworkElement != "" {
		d["ne"] = s.NetworkElement
	}
	if s.HasCIN {
		d["cin"] = strconv.FormatUint(s.CIN, 10)
	}
	if !s.Since.IsZero() {
		d["since"] = s.Since.UTC().Format(time.RFC3339Nano)
	}
	return l.Append(ActorSystem, ActionDelivery, d, "delivered")
}
