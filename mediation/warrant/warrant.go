package warrant

import (
	"time"

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
