package x1

import (
	"github.com/google/uuid"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// Warrants maps tasks to mediation's warrants: one per mediationDetails. The destination
// is named by the X1 destination's friendlyName when it has one (so it can match a
// configured destination), else by its DId.
func Warrants(tasks []*Task, dests []*Destination) []*warrant.Warrant {
	names := make(map[string]string, len(dests))
	types := make(map[string]string, len(dests))
	for _, d := range dests {
		types[d.DID] = d.DeliveryType
		if d.FriendlyName != "" {
			names[d.DID] = d.FriendlyName
		} else {
			names[d.DID] = d.DID
		}
	}
	var out []*warrant.Warrant
	for _, t := range tasks {
		ids := make([]record.Identity, len(t.Targets))
		for i, tg := range t.Targets {
			ids[i] = tg.Identity()
		}
		xid, _ := uuid.Parse(t.XID) // ParseTask checked it
		for _, m := range t.Mediation {
			w := &warrant.Warrant{LIID: m.LIID, Targets: ids, Start: m.Start, End: m.End, Destination: m.DID, XID: xid}
			if n, ok := names[m.DID]; ok {
				w.Destination = n
			}
			switch m.Delivery {
			case "HI2andHI3":
				w.Scope = warrant.ScopeIRICC
			default:
				w.Scope = warrant.ScopeIRI
			}
			// The destination's deliveryType narrows what reaches it (TS 103 221-1: X2Only
			// gets IRI, X3Only CC, X2andX3 both); the task's mediation already bounds it.
			switch types[m.DID] {
			case "X2Only":
				w.Scope = warrant.ScopeIRI
			case "X3Only":
				w.NoIRI = true
			}
			out = append(out, w)
		}
	}
	return out
}
