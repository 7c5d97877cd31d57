package etsi

import "fmt"

// Schema-version table.
//
// EmailPDU ver9 (TS 102 232-2 V3.3.1, Annex D) is the seed; version20 (shared/asn1/EmailPDU.asn)
// is the newest. Everything in ver9 keeps its tag in version20; version20 only adds fields,
// alternatives and enumeration values after extension markers. We do not have the texts of the
// versions in between, so the rule is deliberately conservative:
//
//   - what the Annex D text of V3.3.1 shows is available from ver9;
//   - where the text extraction of Annex D lost a whole type (Messaging-Party-Identity,
//     Messaging-Property, Messaging-Event-Category), the alternatives named in the body text
//     (clause 8.5: the four categories; 8.6: msisdn, e164-format, e-mail-address,
//     ip-address, alphanumeric; 8.7: pincode, priority, greeting-type, notification-type,
//     language) count as ver9;
//   - everything else that only the version20 module has counts as "since 20", and is
//     treated as absent for every version below 20.
//
// Since 20, therefore: MessagingIRI total-recipient-count; Messaging-Party-Information
// party-validity and copy-qualifier; party identities ip-address-and-port, imsi, imei,
// fax-url, tel-url, modem-url, sip-uri, sips-uri, nai; properties message-identifier,
// subject, user-agent, password, message-status, requested-reports, expires, message-date;
// MessagingCC content-transfer-encoding; enumeration values Messaging-Status operation-lost,
// Messaging-Event calendar/contact, Messaging-Box-Event unknown and 22..31,
// Messaging-Notification-Event mms/generic, notification-type 3..12, E-mail-Protocol webmail.
// The per-value versions are generated (asn1_enums_gen.go, by internal/asn1gen): a value
// Annex D shows is ver9, any other value of a type Annex D shows is 20; the few enumeration
// types the Annex D extraction lacks get their version from asn1gen.spec, which says why.
//
// LI-PS-PDU (header) fields are not gated: every field umli models predates the header
// versions LEMFs still run.

// Supported EmailPDU versions.
const (
	minEmailVersion = EmailVersionSeed
	maxEmailVersion = EmailVersionLatest
)

// check reports whether umli can speak v.
func (v Version) check() error {
	if v.Header == 0 {
		return fmt.Errorf("%w: LI-PS-PDU version not set", ErrVersion)
	}
	if v.Email < minEmailVersion || v.Email > maxEmailVersion {
		return fmt.Errorf("%w: EmailPDU version %d (umli speaks %d..%d)", ErrVersion, v.Email, minEmailVersion, maxEmailVersion)
	}
	return nil
}

// has20 reports whether the destination speaks the version20 additions.
func (v Version) has20() bool { return v.Email >= EmailVersionLatest }

// Seed9Version is LI-PS-PDU version43 with the seed EmailPDU ver9, for LEMFs provisioned on V3.3.1.
func Seed9Version() Version {
	return Version{Header: HeaderVersionLatest, Email: EmailVersionSeed}
}

// enumFor checks that an enumeration value exists at all and in version v.
func enumFor[T interface {
	valid() bool
	sinceEmail() uint32
	String() string
}](x T, v Version) error {
	if !x.valid() {
		return fmt.Errorf("%w: %s", ErrUnknownEnum, x.String())
	}
	if x.sinceEmail() > v.Email {
		return fmt.Errorf("%w: value %s exists only since EmailPDU version %d (destination speaks %d)", ErrVersion, x.String(), x.sinceEmail(), v.Email)
	}
	return nil
}
