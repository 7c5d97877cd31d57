package x1

import (
	"time"
)

// TargetKind is the X1 element name of a target identifier.
type TargetKind string

// Target identifier kinds umli intercepts.
const (
	TargetE164  TargetKind = "e164Number"
	TargetEmail TargetKind = "emailAddress"
	TargetSIP   TargetKind = "sipUri"
	TargetTel   TargetKind = "telUri"
	TargetIPv4  TargetKind = "ipv4Address"
	TargetIPv6  TargetKind = "ipv6Address"
)

// Target is one target identifier in clear. It exists only in memory: the store seals it.
type Target struct {
	Kind  TargetKind
	Value string
}

// Mediation is one validated mediationDetails: one LIID, one warrant.
type Mediation struct {
	LIID string `json:"liid"`
	// Delivery is HI2Only or HI2andHI3 (HI3Only is refused).
	Delivery string `json:"delivery"`
	// Start and End bound the window; zero means unbounded on that side.
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// DID is the one destination this LIID delivers to.
	DID string `json:"did"`
	// DIDListed records whether the DId came from mediationDetails' own listOfDIDs (so
	// GetTaskDetails reports the task as it was provisioned).
	DIDListed bool `json:"didListed,omitempty"`
}

// Task is a validated X1 task.
type Task struct {
	XID          string
	Targets      []Target
	DeliveryType string // X2Only, X3Only or X2andX3
	DIDs         []string
	Mediation    []Mediation
	// Bookkeeping kept by the store.
	Modified      time.Time
	Modifications int
}

// Destination is a validated X1 destination. Its address is not secret and is kept as
// provisioned.
type Destination struct {
	DID          string          `json:"did"`
	FriendlyName string          `json:"friendlyName,omitempty"`
	DeliveryType string          `json:"deliveryType"`
	Address      DeliveryAddress `json:"address"`
}

// LIIDs returns the task's LIIDs in order.
func (t *Task) LIIDs() []string {
	ls := make([]string, len(t.Mediation))
	for i, m := range t.Mediation {
		ls[i] = m.LIID
	}
	return ls
}

// Details renders the task back into its X1 form.
func (t *Task) Details() TaskDetails {
	td := TaskDetails{XID: t.XID, DeliveryType: t.DeliveryType, ListOfDIDs: ListOfDIDs{DIDs: append([]string(nil), t.DIDs...)}}
	for _, tg := range t.Targets {
		td.TargetIdentifiers.Targets = append(td.TargetIdentifiers.Targets, tg.identifier())
	}
	if len(t.Mediation) > 0 {
		td.MediationDetails = &ListOfMediationDetails{}
		for _, m := range t.Mediation {
			md := MediationDetails{LIID: m.LIID, DeliveryType: m.Delivery}
			if !m.Start.IsZero() {
				md.StartTime = FormatTime(m.Start)
			}
			if !m.End.IsZero() {
				md.EndTime = FormatTime(m.End)
			}
			if m.DIDListed {
				md.ListOfDIDs = &ListOfDIDs{DIDs: []string{m.DID}}
			}
			td.MediationDetails.Details = append(td.MediationDetails.Details, md)
		}
	}
	return td
}

func (tg Target) identifier() TargetIdentifier {
	var ti TargetIdentifier
	switch tg.Kind {
	case TargetE164:
		ti.E164Number = tg.Value
	case TargetEmail:
		ti.EmailAddress = tg.Value
	case TargetSIP:
		ti.SIPURI = tg.Value
	case TargetTel:
		ti.TelURI = tg.Value
	case TargetIPv4:
		ti.IPv4Address = tg.Value
	case TargetIPv6:
		ti.IPv6Address = tg.Value
	}
	return ti
}

// Details renders the destination back into its X1 form.
func (d *Destination) Details() DestinationDetails {
	return DestinationDetails{DID: d.DID, FriendlyName: d.FriendlyName, DeliveryType: d.DeliveryType, DeliveryAddress: d.Address}
}

// timeLayout is TS 103 280 QualifiedMicrosecondDateTime.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// FormatTime renders t as a QualifiedMicrosecondDateTime in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }
