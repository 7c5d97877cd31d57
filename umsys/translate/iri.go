package translate

import (
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// Category constructors: exactly one alternative of the CHOICE is set.

func catMessage(v etsi.MessagingEvent) *etsi.MessagingEventCategory {
	return &etsi.MessagingEventCategory{Message: &v}
}

func catBox(v etsi.MessagingBoxEvent) *etsi.MessagingEventCategory {
	return &etsi.MessagingEventCategory{MessageBox: &v}
}

func catNotification(v etsi.MessagingNotificationEvent) *etsi.MessagingEventCategory {
	return &etsi.MessagingEventCategory{Notification: &v}
}

// Property constructors.

func propPriority(v etsi.MessagingPriority) etsi.MessagingProperty {
	return etsi.MessagingProperty{Priority: &v}
}

func propGreeting(v etsi.MessagingGreetingType) etsi.MessagingProperty {
	return etsi.MessagingProperty{GreetingType: &v}
}

func propNotification(v etsi.MessagingNotificationType) etsi.MessagingProperty {
	return etsi.MessagingProperty{NotificationType: &v}
}

func propMessageID(id string) etsi.MessagingProperty {
	return etsi.MessagingProperty{MessageIdentifier: []byte(id)}
}

func propDate(t time.Time) etsi.MessagingProperty {
	return etsi.MessagingProperty{MessageDate: &t}
}

// maxPincode is the SIZE (1..32) bound of Messaging-Property pincode.
const maxPincode = 32

// propPincode returns the pincode property, or false when the value cannot be one.
func propPincode(pin string) (etsi.MessagingProperty, bool) {
	if pin == "" || pin == "_undef_" || len(pin) > maxPincode {
		return etsi.MessagingProperty{}, false
	}
	return etsi.MessagingProperty{Pincode: []byte(pin)}, true
}

// ev is what a rule decided about one IRI before it becomes a record.
type ev struct {
	rule     string
	cat      *etsi.MessagingEventCategory
	status   etsi.MessagingStatus
	trigger  etsi.MessagingTrigger
	props    []etsi.MessagingProperty
	who      who
	box      string
	raw      []byte
	key      string
	boundary record.Boundary
	eventKey string
	at       time.Time
	content  *ContentRef
	closeEv  *etsi.MessagingIRI
}

// build turns ev into an Output for source src with system identifier sys.
func (e *ev) build(src, sys string) Output {
	iri := &etsi.MessagingIRI{
		SystemType: etsi.SystemUnifiedMessaging,
		Category:   e.cat,
		Status:     e.status,
		Trigger:    e.trigger,
	}
	if sys != "" {
		iri.SystemIdentifier = []byte(sys)
	}
	if len(e.who.parties) > 0 {
		iri.PartyInformation = e.who.parties
	}
	if len(e.props) > 0 {
		iri.Properties = e.props
	}
	if e.box != "" {
		iri.BoxIdentifier = []byte(e.box)
	}
	if e.raw != nil {
		iri.OriginalMessage = e.raw
	}
	return Output{
		Rule:    e.rule,
		Content: e.content,
		Record: record.Record{
			Identities:     e.who.ids,
			Source:         src,
			CorrelationKey: e.key,
			Boundary:       e.boundary,
			EventKey:       e.eventKey,
			Time:           e.at,
			MessagingIRI:   iri,
			CloseEvent:     e.closeEv,
		},
	}
}

// idleClose is the IRI mediation synthesises when a session idles out without a Close:
// the party was disconnected, outcome unknown.
func idleClose(sys, box string) *etsi.MessagingIRI {
	iri := &etsi.MessagingIRI{
		SystemType: etsi.SystemUnifiedMessaging,
		Category:   catBox(etsi.BoxDisconnect),
		Status:     etsi.StatusUnknown,
		Trigger:    etsi.TriggerUnknown,
	}
	if sys != "" {
		iri.SystemIdentifier = []byte(sys)
	}
	if box != "" {
		iri.BoxIdentifier = []byte(box)
	}
	return iri
}

// rawBytes is the event's raw bytes for original-message. Transports hand over events
// that own their bytes (feed.Event.Raw is kept for exactly this), so no copy is made;
// nil becomes empty so an untranslated IRI always carries the element.
func rawBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// dropAnonymous removes the outputs from index from on that name no identity: they
// concern no one mediation could match, so they are not handed on.
func dropAnonymous(dst []Output, from int) []Output {
	j := from
	for i := from; i < len(dst); i++ {
		if len(dst[i].Record.Identities) > 0 || dst[i].Err != nil {
			dst[j] = dst[i]
			j++
		}
	}
	clear(dst[j:])
	return dst[:j]
}
