package x1

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// Per-task bounds: generous for UM targets, small enough that one request cannot make
// the store or the warrant table large.
const (
	maxTargets   = 64
	maxMediation = 16
	maxDIDs      = 16
)

var (
	uuidRE    = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)
	e164RE    = regexp.MustCompile(`^[0-9]{1,15}$`)
	versionRE = regexp.MustCompile(`^v1\.\d+\.\d+$`)
	nameRE    = regexp.MustCompile(`^[^\s{}|]{1,128}$`)
)

// ValidUUID reports whether s is a TS 103 280 UUID (lower-case hex, 8-4-4-4-12).
func ValidUUID(s string) bool { return uuidRE.MatchString(s) }

func checkUUID(what, s string) *Error {
	if !ValidUUID(s) {
		return errorf(CodeBadIdentifier, "%s is not a lower-case UUID", what)
	}
	return nil
}

// ParseTask validates wire task details. Errors name the element and index, never a
// target's value.
func ParseTask(td *TaskDetails) (*Task, error) {
	if td == nil {
		return nil, errorf(CodeSyntax, "taskDetails missing")
	}
	if len(td.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "taskDetails: element %s not supported", td.Unknown[0].XMLName.Local)
	}
	if err := checkUUID("taskDetails/xId", td.XID); err != nil {
		return nil, err
	}
	t := &Task{XID: td.XID, DeliveryType: td.DeliveryType}
	if len(td.TargetIdentifiers.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "targetIdentifiers: element %s not allowed", td.TargetIdentifiers.Unknown[0].XMLName.Local)
	}
	ts := td.TargetIdentifiers.Targets
	if len(ts) == 0 || len(ts) > maxTargets {
		return nil, errorf(CodeBadTarget, "task needs 1 to %d targetIdentifier elements, has %d", maxTargets, len(ts))
	}
	for i := range ts {
		tg, err := parseTarget(&ts[i], i+1)
		if err != nil {
			return nil, err
		}
		t.Targets = append(t.Targets, tg)
	}
	switch td.DeliveryType {
	case "X2Only", "X3Only", "X2andX3":
	default:
		return nil, errorf(CodeSyntax, "taskDetails/deliveryType: want X2Only, X3Only or X2andX3")
	}
	dids, err := parseDIDs("taskDetails/listOfDIDs", &td.ListOfDIDs)
	if err != nil {
		return nil, err
	}
	t.DIDs = dids
	if td.MediationDetails == nil || len(td.MediationDetails.Details) == 0 {
		return nil, errorf(CodeBadMediation, "listOfMediationDetails with at least one LIID is required: umli is a mediation function")
	}
	if len(td.MediationDetails.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "listOfMediationDetails: element %s not allowed", td.MediationDetails.Unknown[0].XMLName.Local)
	}
	if len(td.MediationDetails.Details) > maxMediation {
		return nil, errorf(CodeBadMediation, "more than %d mediationDetails", maxMediation)
	}
	seen := map[string]bool{}
	for i := range td.MediationDetails.Details {
		m, err := parseMediation(&td.MediationDetails.Details[i], i+1, t)
		if err != nil {
			return nil, err
		}
		if seen[m.LIID] {
			return nil, errorf(CodeLIIDInUse, "mediationDetails %d: LIID %s appears twice in the task", i+1, m.LIID)
		}
		seen[m.LIID] = true
		t.Mediation = append(t.Mediation, m)
	}
	return t, nil
}

func parseTarget(ti *TargetIdentifier, n int) (Target, *Error) {
	if len(ti.Unknown) > 0 {
		return Target{}, errorf(CodeUnsupportedTarget, "targetIdentifier %d: type %s is not supported (want e164Number, emailAddress, sipUri, telUri, ipv4Address or ipv6Address)", n, ti.Unknown[0].XMLName.Local)
	}
	var set []Target
	for _, c := range []Target{
		{TargetE164, ti.E164Number}, {TargetEmail, ti.EmailAddress}, {TargetSIP, ti.SIPURI},
		{TargetTel, ti.TelURI}, {TargetIPv4, ti.IPv4Address}, {TargetIPv6, ti.IPv6Address},
	} {
		if c.Value != "" {
			set = append(set, Target{c.Kind, strings.TrimSpace(c.Value)})
		}
	}
	if len(set) != 1 {
		return Target{}, errorf(CodeBadTarget, "targetIdentifier %d: want exactly one non-empty identifier, have %d", n, len(set))
	}
	tg := set[0]
	if err := checkTargetValue(tg); err != nil {
		return Target{}, errorf(CodeBadTarget, "targetIdentifier %d (%s): %v", n, tg.Kind, err)
	}
	return tg, nil
}

// checkTargetValue applies the schema pattern where it is simple and then the same
// normalization mediation matches with, so a task that activates can also match.
func checkTargetValue(tg Target) error {
	switch tg.Kind {
	case TargetE164:
		if !e164RE.MatchString(tg.Value) {
			return warrant.ErrBadE164
		}
	case TargetIPv4:
		if a, err := netip.ParseAddr(tg.Value); err != nil || !a.Is4() {
			return warrant.ErrBadIP
		}
	case TargetIPv6:
		if a, err := netip.ParseAddr(tg.Value); err != nil || !a.Is6() || a.Is4In6() {
			return warrant.ErrBadIP
		}
	case TargetSIP:
		if l := strings.ToLower(tg.Value); !strings.HasPrefix(l, "sip:") && !strings.HasPrefix(l, "sips:") {
			return warrant.ErrBadSIPURI
		}
	case TargetTel:
		if !strings.HasPrefix(strings.ToLower(tg.Value), "tel:") {
			return warrant.ErrBadSIPURI
		}
	case TargetEmail:
	}
	_, err := warrant.Keys(nil, tg.Identity())
	return err
}

// Identity is the record identity mediation matches for this target.
func (tg Target) Identity() record.Identity {
	switch tg.Kind {
	case TargetE164:
		return record.Identity{Kind: record.IdentityE164, Value: tg.Value}
	case TargetEmail:
		return record.Identity{Kind: record.IdentityEmail, Value: tg.Value}
	case TargetSIP, TargetTel:
		return record.Identity{Kind: record.IdentitySIPURI, Value: tg.Value}
	case TargetIPv4, TargetIPv6:
		return record.Identity{Kind: record.IdentityIP, Value: tg.Value}
	default:
		return record.Identity{}
	}
}

func parseDIDs(where string, l *ListOfDIDs) ([]string, *Error) {
	if len(l.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "%s: element %s not supported", where, l.Unknown[0].XMLName.Local)
	}
	if len(l.DIDs) > maxDIDs {
		return nil, errorf(CodeBadMediation, "%s: more than %d dId", where, maxDIDs)
	}
	out := make([]string, 0, len(l.DIDs))
	for i, d := range l.DIDs {
		d = strings.TrimSpace(d)
		if err := checkUUID(where+"/dId", d); err != nil {
			err.Msg += " (entry " + itoa(i+1) + ")"
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func parseMediation(md *MediationDetails, n int, t *Task) (Mediation, *Error) {
	at := "mediationDetails " + itoa(n)
	if len(md.Unknown) > 0 {
		return Mediation{}, errorf(CodeSyntax, "%s: element %s not supported", at, md.Unknown[0].XMLName.Local)
	}
	m := Mediation{LIID: strings.TrimSpace(md.LIID), Delivery: md.DeliveryType}
	if !warrant.ValidLIID(m.LIID) {
		// The schema also allows 26-50 hex digits, but a PS-PDU's LIID is at most 25 octets.
		return Mediation{}, errorf(CodeBadMediation, "%s: LIID must be 1-25 printable ASCII characters without spaces", at)
	}
	switch md.DeliveryType {
	case "HI2Only":
		if t.DeliveryType == "X3Only" {
			return Mediation{}, errorf(CodeBadMediation, "%s: HI2Only needs X2 but the task's deliveryType is X3Only", at)
		}
	case "HI2andHI3":
		if t.DeliveryType != "X2andX3" {
			return Mediation{}, errorf(CodeBadMediation, "%s: HI2andHI3 needs the task's deliveryType X2andX3", at)
		}
	case "HI3Only":
		return Mediation{}, errorf(CodeBadMediation, "%s: deliveryType HI3Only is not supported (umli delivers content only with its IRI)", at)
	default:
		return Mediation{}, errorf(CodeSyntax, "%s: deliveryType: want HI2Only, HI3Only or HI2andHI3", at)
	}
	var err error
	if md.StartTime != "" {
		if m.Start, err = parseTime(md.StartTime); err != nil {
			return Mediation{}, errorf(CodeBadMediation, "%s: StartTime: %v", at, err)
		}
	}
	if md.EndTime != "" {
		if m.End, err = parseTime(md.EndTime); err != nil {
			return Mediation{}, errorf(CodeBadMediation, "%s: EndTime: %v", at, err)
		}
	}
	if !m.Start.IsZero() && !m.End.IsZero() && !m.End.After(m.Start) {
		return Mediation{}, errorf(CodeBadMediation, "%s: EndTime is not after StartTime", at)
	}
	dids := t.DIDs
	if md.ListOfDIDs != nil {
		own, xerr := parseDIDs(at+"/listOfDIDs", md.ListOfDIDs)
		if xerr != nil {
			return Mediation{}, xerr
		}
		if len(own) > 0 {
			dids, m.DIDListed = own, true
		}
	}
	if len(dids) != 1 {
		return Mediation{}, errorf(CodeBadMediation, "%s: exactly one destination dId is supported per LIID, have %d", at, len(dids))
	}
	m.DID = dids[0]
	return m, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, errBadTime
	}
	return t.UTC(), nil
}

type constError string

// Error implements error.
func (e constError) Error() string { return string(e) }

const errBadTime = constError("not a date-time like 2026-01-02T15:04:05.000000Z")

// ParseDestination validates wire destination details.
func ParseDestination(dd *DestinationDetails) (*Destination, error) {
	if dd == nil {
		return nil, errorf(CodeSyntax, "destinationDetails missing")
	}
	if len(dd.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "destinationDetails: element %s not supported", dd.Unknown[0].XMLName.Local)
	}
	if err := checkUUID("destinationDetails/dId", dd.DID); err != nil {
		return nil, err
	}
	d := &Destination{DID: dd.DID, FriendlyName: strings.TrimSpace(dd.FriendlyName), DeliveryType: dd.DeliveryType, Address: dd.DeliveryAddress}
	if d.FriendlyName != "" && !nameRE.MatchString(d.FriendlyName) {
		return nil, errorf(CodeBadDestination, "friendlyName must be up to 128 characters without spaces, braces or '|'")
	}
	switch dd.DeliveryType {
	case "X2Only", "X3Only", "X2andX3":
	default:
		return nil, errorf(CodeSyntax, "destinationDetails/deliveryType: want X2Only, X3Only or X2andX3")
	}
	a := &dd.DeliveryAddress
	if len(a.Unknown) > 0 {
		return nil, errorf(CodeSyntax, "deliveryAddress: %s is not supported", a.Unknown[0].XMLName.Local)
	}
	n := 0
	if a.IPAddressAndPort != nil {
		n++
		ip := a.IPAddressAndPort
		if (ip.Address.IPv4Address == "") == (ip.Address.IPv6Address == "") {
			return nil, errorf(CodeBadDestination, "ipAddressAndPort: want exactly one of IPv4Address, IPv6Address")
		}
		if _, err := netip.ParseAddr(ip.Address.IPv4Address + ip.Address.IPv6Address); err != nil {
			return nil, errorf(CodeBadDestination, "ipAddressAndPort: address does not parse")
		}
		if (ip.Port.TCPPort == "") == (ip.Port.UDPPort == "") {
			return nil, errorf(CodeBadDestination, "ipAddressAndPort: want exactly one of TCPPort, UDPPort")
		}
		if p, ok := atoi(ip.Port.TCPPort + ip.Port.UDPPort); !ok || p < 1 || p > 65535 {
			return nil, errorf(CodeBadDestination, "ipAddressAndPort: port must be 1..65535")
		}
	}
	for _, s := range []string{a.E164Number, a.URI, a.EmailAddress} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, errorf(CodeBadDestination, "deliveryAddress: want exactly one address, have %d", n)
	}
	return d, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}
