package x1

import (
	"testing"

	"github.com/google/uuid"

	"github.com/umli/umli/mediation/warrant"
)

// TestWarrantsDeliveryType (R426): a warrant carries its task's XID, and the destination's
// deliveryType narrows the mediation's: X2Only IRI only, X3Only CC only, X2andX3 both.
func TestWarrantsDeliveryType(t *testing.T) {
	const xid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	tests := []struct {
		dest, mediation string
		cc, iri         bool
	}{
		{"X2andX3", "HI2andHI3", true, true},
		{"X2Only", "HI2andHI3", false, true},
		{"X3Only", "HI2andHI3", true, false},
		{"X2andX3", "HI2Only", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.dest+"/"+tt.mediation, func(t *testing.T) {
			task := &Task{XID: xid, DeliveryType: "X2andX3", Targets: []Target{{TargetE164, "+491"}},
				Mediation: []Mediation{{LIID: "L", Delivery: tt.mediation, DID: "d"}}}
			ws := Warrants([]*Task{task}, []*Destination{{DID: "d", FriendlyName: "mdf", DeliveryType: tt.dest}})
			if len(ws) != 1 {
				t.Fatalf("%d warrants", len(ws))
			}
			w := ws[0]
			if w.XID != uuid.MustParse(xid) || w.Destination != "mdf" {
				t.Errorf("XID %s destination %q", w.XID, w.Destination)
			}
			if w.DeliversCC() != tt.cc || w.DeliversIRI() != tt.iri {
				t.Errorf("CC %v IRI %v, want %v %v", w.DeliversCC(), w.DeliversIRI(), tt.cc, tt.iri)
			}
			if tt.cc && w.Scope != warrant.ScopeIRICC {
				t.Errorf("scope %v", w.Scope)
			}
		})
	}
}
