package canonical

import (
	"github.com/umli/umli/mediation/etsi"
	"time"
)

// Event is one canonical UM event (SCHEMA.md) read into ETSI terms.
type Event struct {
	// Session names the logical sequence (call/session id); "" means a standalone event.
	Session string
	Source  string
	System  string
	Box     string
	Time    time.Time
	// Category is nil for an event that has no ETSI translation (category "raw", or an
	// event value nothing maps): it is delivered with status unknown and the raw bytes.
	Category *etsi.MessagingEventCategory
	Status   etsi.MessagingStatus
	Trigger  etsi.MessagingTrigger
	// Boundary is open|continue|close|standalone; "" derives it from the event.
	Boundary string
	// EventID groups records of one event (e.g. retrieve started and succeeded) and
	// links CC to them; "" gets a fresh one.
	EventID    string
	Parties    []Party
	Properties []etsi.MessagingProperty
	Content    *Content
	// RecipientCount is total-recipient-count, 0 when absent.
	RecipientCount uint32
}

// PartyKind is which Messaging-Party-Identity alternative a party value is.
type PartyKind string

// Party identity kinds of the canonical schema.
const (
	KindMSISDN PartyKind = "msisdn"
	KindE164   PartyKind = "e164"
	KindSIP    PartyKind = "sip"
	KindTel    PartyKind = "tel"
	KindEmail  PartyKind = "email"
	KindName   PartyKind = "name"
)

// Party is one identity of one party.
type Party struct {
	Qualifier etsi.MessagingPartyQualifier
	Kind      PartyKind
	Value     string
}

// Content is the content (Table 5) an event names or carries.
type Content struct {
	URL  string // http/https URL
	Path string // absolute file path on the platform's content store
	Data []byte // inline content (text, or base64-decoded)
	Type string // MIME type; "" means detect
}
