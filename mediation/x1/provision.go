package x1

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// NameUUID derives a stable UUID from a name, so that provisioning the same warrant or
// destination twice names the same XId or DId (the ADMF-side idempotence X1 expects).
func NameUUID(space, name string) string { return warrant.NameUUID(space, name).String() }

// ExpandIPv6 writes an IPv6 address in the schema's form: 8 groups of 4 lower-case hex
// digits. Anything that is not an IPv6 address is returned unchanged.
func ExpandIPv6(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return s
	}
	b := a.As16()
	var sb strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x%02x", b[i], b[i+1]) //nolint:gosec // G602: i+1 < 16 = len(b)
	}
	return sb.String()
}

// TargetFromIdentity maps a record identity to an X1 target identifier. Mailbox ids
// have no X1 type; errors never carry the identity.
func TargetFromIdentity(id record.Identity) (TargetIdentifier, error) {
	v := strings.TrimSpace(id.Value)
	switch id.Kind {
	case record.IdentityE164:
		keys, err := warrant.Keys(nil, id)
		if err != nil {
			return TargetIdentifier{}, err
		}
		return TargetIdentifier{E164Number: strings.TrimPrefix(keys[0], "e164:")}, nil
	case record.IdentityEmail:
		return TargetIdentifier{EmailAddress: v}, nil
	case record.IdentitySIPURI:
		if strings.HasPrefix(strings.ToLower(v), "tel:") {
			return TargetIdentifier{TelURI: v}, nil
		}
		return TargetIdentifier{SIPURI: v}, nil
	case record.IdentityIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return TargetIdentifier{}, warrant.ErrBadIP
		}
		if a = a.Unmap(); a.Is4() {
			return TargetIdentifier{IPv4Address: a.String()}, nil
		}
		return TargetIdentifier{IPv6Address: ExpandIPv6(a.String())}, nil
	case record.IdentityBoxID:
		return TargetIdentifier{}, errors.New("a mailbox id has no X1 target identifier type; name the box by its E.164 number or SIP URI")
	default:
		return TargetIdentifier{}, warrant.ErrBadKind
	}
}

// TaskFromWarrant renders a warrant (e.g. from the configuration file) as X1 task
// details delivering to did. Its XId is NameUUID("task", LIID).
func TaskFromWarrant(w *warrant.Warrant, did string) (TaskDetails, error) {
	td := TaskDetails{XID: NameUUID("task", w.LIID), ListOfDIDs: ListOfDIDs{DIDs: []string{did}}}
	md := MediationDetails{LIID: w.LIID}
	switch w.Scope {
	case warrant.ScopeIRI:
		td.DeliveryType, md.DeliveryType = "X2Only", "HI2Only"
	case warrant.ScopeIRICC:
		td.DeliveryType, md.DeliveryType = "X2andX3", "HI2andHI3"
	default:
		return TaskDetails{}, fmt.Errorf("warrant %s: scope %v has no X1 delivery type", w.LIID, w.Scope)
	}
	if !w.Start.IsZero() {
		md.StartTime = FormatTime(w.Start)
	}
	if !w.End.IsZero() {
		md.EndTime = FormatTime(w.End)
	}
	td.MediationDetails = &ListOfMediationDetails{Details: []MediationDetails{md}}
	for i, id := range w.Targets {
		ti, err := TargetFromIdentity(id)
		if err != nil {
			return TaskDetails{}, fmt.Errorf("warrant %s: target %d: %w", w.LIID, i+1, err)
		}
		td.TargetIdentifiers.Targets = append(td.TargetIdentifiers.Targets, ti)
	}
	return td, nil
}

// DestinationFor renders a named umli destination as X1 destination details: DId
// NameUUID("destination", name), friendlyName name, and the HI2 address host:port (a
// umli: URI naming the destination when addr is empty or not an IP address and port).
func DestinationFor(name, addr string, cc bool) DestinationDetails {
	dd := DestinationDetails{DID: NameUUID("destination", name), FriendlyName: name, DeliveryType: "X2Only"}
	if cc {
		dd.DeliveryType = "X2andX3"
	}
	host, port, err := net.SplitHostPort(addr)
	if a, perr := netip.ParseAddr(host); err == nil && perr == nil {
		a = a.Unmap()
		ip := IPAddress{IPv4Address: a.String()}
		if a.Is6() {
			ip = IPAddress{IPv6Address: ExpandIPv6(a.String())}
		}
		dd.DeliveryAddress.IPAddressAndPort = &IPAddressPort{Address: ip, Port: Port{TCPPort: port}}
	} else {
		dd.DeliveryAddress.URI = "umli:destination:" + name
	}
	return dd
}

// ProvisionWarrants provisions warrants over X1 as an ADMF would: one destination per
// destination name (addrs maps names to HI2 host:port, optional) and one task per
// warrant. Existing destinations and tasks are modified, so it can be re-run. The
// demo uses it to put its configured warrants through X1.
func ProvisionWarrants(ctx context.Context, c *Client, ws []*warrant.Warrant, addrs map[string]string) error {
	cc := map[string]bool{}
	var names []string
	for _, w := range ws {
		if _, seen := cc[w.Destination]; !seen {
			names = append(names, w.Destination)
		}
		cc[w.Destination] = cc[w.Destination] || w.DeliversCC()
	}
	for _, name := range names {
		dd := DestinationFor(name, addrs[name], cc[name])
		err := c.CreateDestination(ctx, dd)
		if isCode(err, CodeDIDExists) {
			err = c.ModifyDestination(ctx, dd)
		}
		if err != nil {
			return fmt.Errorf("destination %s: %w", name, err)
		}
	}
	for _, w := range ws {
		td, err := TaskFromWarrant(w, NameUUID("destination", w.Destination))
		if err != nil {
			return err
		}
		err = c.ActivateTask(ctx, td)
		if isCode(err, CodeXIDExists) {
			err = c.ModifyTask(ctx, td)
		}
		if err != nil {
			return fmt.Errorf("warrant %s: %w", w.LIID, err)
		}
	}
	return nil
}

func isCode(err error, code Code) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.Code == code
}
