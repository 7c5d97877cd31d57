package chain

import (
	"fmt"

	"github.com/umli/umli/mediation/record"
)

// TargetE164 is the number the proof warrant names.
const TargetE164 = "+491709990001"

// Target is the identity the proof warrant names; records about it are intercepted.
func Target() record.Identity {
	return record.Identity{Kind: record.IdentityE164, Value: TargetE164}
}

// UMBoxes are the mailbox of umsim's target as FreeSWITCH and Asterisk name it; the
// proof warrant names them too, so the simulator's calls are intercepted.
func UMBoxes() [2]string { return [2]string{"1000@um.example.net", "1000@example.net"} }

// LIID is the single warrant's LIID: each record then yields exactly one PDU, so
// "records submitted" and "PDUs expected" are the same number.
const LIID = "PROOF-1"

// ConfigYAML is a mediation configuration for instance delivering to hi2/hi3 with
// micro-second time stamps (the load tool measures latency from them).
func ConfigYAML(instance, hi2, hi3 string) string {
	return configYAML(instance, hi2, hi3, "")
}

// ConfigYAMLConfirmed is ConfigYAML with keep-alives busy and idle (keepAlive.idleOnly
// false): a confirming connection, whose stream is trimmed only below what the LEMF
// confirmed by answering a keep-alive. Tests that kill or stall the LEMF under load and
// assert no gap need it: with the default profile's idle-only keep-alives trimming follows
// the written position, so PDUs beyond the resend window still in socket buffers at a
// connection loss are gone, as handover/README.md says.
func ConfigYAMLConfirmed(instance, hi2, hi3 string) string {
	return configYAML(instance, hi2, hi3, ", keepAlive: {idleOnly: false}")
}

// configYAML is ConfigYAML with extra keys (", key: value") on the destination.
func configYAML(instance, hi2, hi3, destKeys string) string {
	return configWith(instance, fmt.Sprintf("  - {name: lea, hi2: \"%s\", hi3: \"%s\", version: ver20, timestamps: both%s}\n", hi2, hi3, destKeys))
}

// ConfigYAMLX2X3 is ConfigYAML with the destination an MDF: interface x2x3 over mutual
// TLS, so every record leaves as one X2 or X3 PDU with the warrant's XID.
func ConfigYAMLX2X3(instance string, m *MDF) string {
	return configWith(instance, m.YAML())
}

// configWith is the proof configuration of instance with destinations (YAML list items,
// one named lea) and the one warrant on lea.
func configWith(instance, destinations string) string {
	return fmt.Sprintf(`instance: %s
operator: OP-PROOF
networkElement: ne-default
sessions: {idleTimeout: 10m, sweepInterval: 200ms}
queue: {size: 20000, workers: 4}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
destinations:
%swarrants:
  - liid: %s
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{e164: "%s"}, {boxID: "%s"}, {boxID: "%s"}]
`, instance, destinations, LIID, TargetE164, UMBoxes()[0], UMBoxes()[1])
}
