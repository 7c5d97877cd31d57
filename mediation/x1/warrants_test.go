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

// TestErrorCodesAreTable673: umli's X1 error codes are TS 103 221-1 table 6.7-3's values
// (checked against the table as cited by two independent X1 implementations: see
// CONFORMANCE R428), not a numbering of its own; task refusals are 3000 on ActivateTask
// and 3001 on ModifyTask.
func TestErrorCodesAreTable673(t *testing.T) {
	for _, tc := range []struct {
		name string
		code Code
		want int
	}{
		{"generic", CodeGeneric, 1000}, {"syntax/schema", CodeSyntax, 1010}, {"version", CodeVersion, 1020},
		{"unsupported request", CodeUnsupportedRequest, 1080}, {"XID exists", CodeXIDExists, 2010},
		{"XID unknown", CodeXIDUnknown, 2020}, {"DID exists", CodeDIDExists, 2030}, {"DID unknown", CodeDIDUnknown, 2040},
		{"ActivateTask refused", CodeActivateFailed, 3000}, {"ModifyTask refused", CodeModifyFailed, 3001},
		{"bad identifier", CodeBadIdentifier, 1010}, {"too large", CodeTooLarge, 1010}, {"bad destination", CodeBadDestination, 1010},
		{"bad target", CodeBadTarget, 3000}, {"unsupported target", CodeUnsupportedTarget, 3000}, {"LIID in use", CodeLIIDInUse, 3000},
		{"bad mediation", CodeBadMediation, 3000}, {"task DID unknown", CodeDIDUnknownForTask, 3000},
		{"storage", CodeStorage, 1000}, {"DID in use", CodeDIDInUse, 1000},
	} {
		if int(tc.code) != tc.want {
			t.Errorf("%s: code %d, table 6.7-3 has %d", tc.name, tc.code, tc.want)
		}
	}
	for _, tc := range []struct {
		code Code
		rmt  string
		want Code
	}{
		{CodeBadTarget, "ActivateTask", 3000}, {CodeBadTarget, "ModifyTask", 3001}, {CodeXIDUnknown, "ModifyTask", 2020}, {CodeSyntax, "ModifyTask", 1010},
	} {
		if got := wireCode(tc.code, tc.rmt); got != tc.want {
			t.Errorf("wireCode(%d, %s) = %d, want %d", tc.code, tc.rmt, got, tc.want)
		}
	}
}
