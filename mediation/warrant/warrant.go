package warrant

import (
	"crypto/sha256"
	"time"

	"github.com/google/uuid"

	"github.com/umli/umli/mediation/record"
)

// Scope is what a warrant authorizes to be delivered.
type Scope int

// Scope values.
const (
	ScopeIRI   Scope = iota + 1 // events only, HI2
	ScopeIRICC                  // events on HI2 and content on HI3
)

// String returns the config spelling of the scope.
func (s Scope) String() string {
	switch s {
	case ScopeIRI:
		return "iri"
	case ScopeIRICC:
		return "iri+cc"
	default:
		return "invalid"
	}
}

// ParseScope parses the config spelling of a scope ("iri" or "iri+cc").
func ParseScope(s string) (Scope, bool) {
	switch s {
	case "iri":
		return ScopeIRI, true
	case "iri+cc", "iri-cc", "cc+iri":
		return ScopeIRICC, true
	default:
		return 0, false
	}
}

// Warrant is one lawful-interception authorization: whom, when, what, to which LEA.
type Warrant struct {
	// LIID is the lawful interception identifier written into every PDU (1..25 octets).
	LIID    string
	Targets []record.Identity
	// Start and End bound the validity window [Start, End); a zero End is open-ended.
	Start, End time.Time
	Scope      Scope
	// Destination names the LEA endpoint set (HI2/HI3) the warrant delivers to.
	Destination string
	// XID is the X1 task's XID, written into every X2/X3 PDU (TS 103 221-2) when the
	// destination's interface is x2x3; config warrants default to NameUUID("task", LIID).
	XID uuid.UUID
	// NoIRI: IRI is numbered but not handed over, only CC (an X1 destination of
	// deliveryType X3Only). Numbering is unchanged so the CIN's sequence stays one.
	NoIRI bool
}

// NameUUID is the name-based UUID (SHA-256 truncated, version 5 layout) umli gives
// objects named in its configuration: X1 DIds and XIds, and config warrants' XIDs.
func NameUUID(space, name string) uuid.UUID {
	h := sha256.Sum256([]byte("umli x1 " + space + "\x00" + name))
	var u uuid.UUID
	copy(u[:], h[:16])
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// Active reports whether t lies inside the warrant's validity window.
func (w *Warrant) Active(t time.Time) bool {
	if t.Before(w.Start) {
		return false
	}
	return w.End.IsZero() || t.Before(w.End)
}

// DeliversCC reports whether content goes to HI3 under this warrant.
func (w *Warrant) DeliversCC() bool { return w.Scope == ScopeIRICC }

// DeliversIRI reports whether IRI is handed over under this warrant.
func (w *Warrant) DeliversIRI() bool { return !w.NoIRI }
