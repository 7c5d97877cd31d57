package rtpcapture

import "strings"

// Mode is what a caller does in the UM system.
type Mode int

// Modes of a call to the UM system.
const (
	// ModeDeposit: a caller leaves a message in someone's box (the called party, or the
	// party that forwarded the call to voicemail).
	ModeDeposit Mode = iota + 1
	// ModeRetrieve: the box owner calls in to listen to messages.
	ModeRetrieve
)

// CallInfo is what the SIP signalling says about a call to the UM system. Header values
// are as received; the URIs are extracted here.
type CallInfo struct {
	CallID string
	// PlatformUUID is the UM platform's call UUID (X-FS-UUID, X-UUID or rs-metadata).
	PlatformUUID string
	RequestURI   string
	From         string
	To           string
	// PAI is P-Asserted-Identity; preferred over From for the caller.
	PAI string
	// Diversion values in header order (RFC 5806: most recent first).
	Diversion []string
	// HistoryInfo entries in header order (RFC 7044: the first is the original target).
	HistoryInfo []string
	// ModeHint and BoxHint come from X-UM-Mode ("deposit"/"retrieve") and X-UM-Box,
	// which a UM platform or SRC may add to say what it knows for sure.
	ModeHint string
	BoxHint  string
}

// Plan is the outcome of classifying a call: the mode and the candidate targets.
type Plan struct {
	Mode           Mode
	CorrelationKey string
	Parties        []Party
}

// Classify decides who speaks on which side. pilots are the user parts of the voicemail
// access numbers: a call to a pilot without diversion is the caller retrieving from
// their own box. Rules, in order: the X-UM hints; a diverted call (Diversion,
// History-Info) deposits into the original called party's box; a call to a pilot
// retrieves; any other call deposits into the called party's box.
func (ci CallInfo) Classify(pilots []string) Plan {
	caller := AddressOf(ci.PAI)
	if caller == "" {
		caller = AddressOf(ci.From)
	}
	called := AddressOf(ci.To)
	if called == "" {
		called = AddressOf(ci.RequestURI)
	}
	box := AddressOf(ci.BoxHint)
	diverted := ""
	if n := len(ci.Diversion); n > 0 {
		diverted = AddressOf(ci.Diversion[n-1])
	} else if len(ci.HistoryInfo) > 1 {
		diverted = AddressOf(ci.HistoryInfo[0])
	}
	mode := ModeDeposit
	switch strings.ToLower(strings.TrimSpace(ci.ModeHint)) {
	case "deposit":
	case "retrieve", "retrieval":
		mode = ModeRetrieve
	default:
		if diverted == "" && isPilot(called, pilots) {
			mode = ModeRetrieve
		}
	}
	if box == "" {
		switch {
		case mode == ModeRetrieve:
			box = caller
		case diverted != "":
			box = diverted
		default:
			box = called
		}
	}
	p := Plan{Mode: mode, CorrelationKey: CorrelationKeyFor(strings.TrimSpace(ci.PlatformUUID), ci.CallID)}
	boxName := ""
	if b := AddressOf(box); b != "" {
		_, boxName, _ = strings.Cut(b, ":")
	}
	if mode == ModeRetrieve {
		ids := appendUnique(IdentitiesOf(caller, false), IdentitiesOf(box, true)...)
		p.Parties = []Party{{Side: SideCaller, Identities: ids, Box: boxName}}
		return p
	}
	p.Parties = []Party{
		{Side: SideCaller, Identities: IdentitiesOf(caller, false)},
		{Side: SideUM, Identities: IdentitiesOf(box, true), Box: boxName},
	}
	return p
}

func isPilot(uri string, pilots []string) bool {
	user := UserOf(uri)
	for _, p := range pilots {
		if user != "" && user == p {
			return true
		}
	}
	return false
}
