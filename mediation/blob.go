package mediation

import (
	"encoding/json"
	"fmt"

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

func encodeBlob(r *record.Record, synthesized bool) ([]byte, error) {
	jr := journalRecord{Synthesized: synthesized, Record: *r}
	jr.Identities, jr.CloseEvent = nil, nil
	b, err := json.Marshal(&jr)
	if err != nil {
		return nil, fmt.Errorf("mediation: serialize record: %w", err)
	}
	return b, nil
}

func decodeBlob(b []byte) (*journalRecord, error) {
	var jr journalRecord
	if err := json.Unmarshal(b, &jr); err != nil {
		return nil, fmt.Errorf("mediation: journal record: %w", err)
	}
	if _, err := contentKind(&jr.Record); err != nil {
		return nil, err
	}
	return &jr, nil
}

// closeRecord is the IRI delivered as iRI-End when the sequence r belongs to idles out:
// the Open's explicit close event when it has one.
func closeRecord(r *record.Record, explicit *etsi.MessagingIRI) *record.Record {
	c := &record.Record{Source: r.Source, CorrelationKey: r.CorrelationKey, Boundary: record.Close, Time: r.Time}
	if explicit != nil {
		m := *explicit
		c.MessagingIRI = &m
		return c
	}
	switch {
	case r.MessagingIRI != nil:
		c.MessagingIRI = genericMessagingEnd(r.MessagingIRI)
	case r.EmailIRI != nil:
		c.EmailIRI = genericEmailEnd(r.EmailIRI)
	default:
		return nil
	}
	return c
}

// genericMessagingEnd keeps who and which box from the last IRI and says: the system
// disconnected the box session, outcome unknown.
func genericMessagingEnd(last *etsi.MessagingIRI) *etsi.MessagingIRI {
	ev := etsi.BoxDisconnect
	return &etsi.MessagingIRI{
		SystemType:       last.SystemType,
		SystemIdentifier: last.SystemIdentifier,
		Category:         &etsi.MessagingEventCategory{MessageBox: &ev},
		Status:           etsi.StatusUnknown,
		PartyInformation: last.PartyInformation,
		Trigger:          etsi.TriggerSystem,
		BoxIdentifier:    last.BoxIdentifier,
	}
}

// genericEmailEnd keeps the connection from the last IRI and says: logoff, status
// unknown. Credentials and message data are not repeated.
func genericEmailEnd(last *etsi.EmailIRI) *etsi.EmailIRI {
	return &etsi.EmailIRI{
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
