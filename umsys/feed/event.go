// Package feed holds what every UM vendor feed delivers: raw events, in wire order, with
// the exact bytes they arrived as. Transports (ESL, AMI, JSON lines, webhooks) produce
// them; the translators in umsys consume them. Nothing here knows about ETSI.
package feed

import (
	"strings"
	"time"
)

// Dialect names a vendor feed dialect.
type Dialect string

// Dialects umli reads.
const (
	FreeSWITCH Dialect = "freeswitch"
	Asterisk   Dialect = "asterisk"
	JSON       Dialect = "json"
	// CUNI is Cisco Unity Connection Notifier XML messageEvent notifications.
	CUNI Dialect = "cuni"
)

// Header is one "Name: Value" pair of an ESL or AMI event, value already decoded
// (URL-decoded for ESL).
type Header struct {
	Name  string
	Value string
}

// Event is one raw event as a feed delivered it.
type Event struct {
	Dialect Dialect
	// Source names the platform connection the event came from (e.g. "fs-um-1").
	Source string
	// Headers in wire order. For JSON events every scalar, flattened once by
	// canonical.Flatten (dotted names for nested objects, indexes for array elements). Nil when the transport filled Packed instead (ESL):
	// read headers through Len, Header, Get or HeaderList, which serve both forms.
	Headers []Header
	// Body is the ESL event body (after Content-Length of the event itself), if any.
	Body []byte
	// Raw is the exact bytes of the event as received, kept for original-message when an
	// event cannot be translated; never logged.
	Raw []byte
	// Received is when umli read the event.
	Received time.Time
	// Packed holds the headers in pointer-free form when Headers is nil.
	Packed Packed
}

// Get returns the value of the first header named name (ASCII case-insensitive, as AMI
// and FreeSWITCH header lookups are in practice) and whether it was present.
func (e *Event) Get(name string) (string, bool) {
	if e.packed() {
		p := &e.Packed
		for i := range p.Spans {
			if strings.EqualFold(p.name(i), name) {
				return p.value(i), true
			}
		}
		return "", false
	}
	for _, h := range e.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Value is Get without the presence flag.
func (e *Event) Value(name string) string {
	v, _ := e.Get(name)
	return v
}

// Handler consumes events from a transport. A transport calls it in wire order for one
// connection; an error means the event was not taken (a webhook then answers non-2xx so
// the sender retries).
type Handler func(e *Event) error
