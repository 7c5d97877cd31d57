package audit

import "strconv"

// Actions other components record, so that the log reads the same whichever wrote it.
// X1 requests are recorded under their X1 request type (ActivateTask, …).
const (
	ActionTaskExpired  = "TaskExpired"  // an X1 task's EndTime passed; it was deactivated
	ActionWindowOpened = "WindowOpened" // a warrant's StartTime was reached
	ActionWindowClosed = "WindowClosed" // a warrant's EndTime was reached; its CINs closed
	ActionDelivery     = "Delivery"     // PDUs handed to an LEMF
	ActionTLSHandshake = "TLSHandshake" // a client refused before any request
)

// ActorSystem is the actor of acts umli takes by itself (timers, deliveries).
const ActorSystem = "system"

// Delivery records a delivery summary: which LIID and CIN, the sequence-number range,
// how many PDUs and to which destination and interface. Never content.
func (l *Log) Delivery(liid string, cin uint64, firstSeq, lastSeq uint64, pdus int, destination, hi string) (Entry, error) {
	return l.Append(ActorSystem, ActionDelivery, map[string]string{
		"liid": liid, "cin": strconv.FormatUint(cin, 10),
		"seq":  strconv.FormatUint(firstSeq, 10) + "-" + strconv.FormatUint(lastSeq, 10),
		"pdus": strconv.Itoa(pdus), "destination": destination, "hi": hi,
	}, "delivered")
}
