package etsi

import (
	"fmt"
	"testing"
)

// checkEnum: every value the type has round-trips through String and its Parse function,
// identifiers are unique, and values it lacks print as Type(n) and fail to parse.
func checkEnum[T interface {
	enumType
	String() string
}](t *testing.T, name string, parse func(string) (T, error), want int) {
	t.Helper()
	seen := map[string]bool{}
	n := 0
	for i := -1; i <= 256; i++ {
		v := T(i)
		s := v.String()
		if !v.valid() {
			if s != fmt.Sprintf("%s(%d)", name, i) {
				t.Errorf("%s(%d).String() = %q", name, i, s)
			}
			continue
		}
		n++
		if seen[s] {
			t.Errorf("%s: identifier %q twice", name, s)
		}
		seen[s] = true
		if got, err := parse(s); err != nil || got != v {
			t.Errorf("%s: Parse(%q) = %v, %v", name, s, got, err)
		}
	}
	if n != want {
		t.Errorf("%s has %d values, the ASN.1 has %d", name, n, want)
	}
}

func TestEveryEnum(t *testing.T) {
	checkEnum(t, "MessagingSystemType", ParseMessagingSystemType, 1)
	checkEnum(t, "MessagingEvent", ParseMessagingEvent, 7)
	checkEnum(t, "MessagingBoxEvent", ParseMessagingBoxEvent, 32)
	checkEnum(t, "MessagingNotificationEvent", ParseMessagingNotificationEvent, 8)
	checkEnum(t, "MessagingCallEvent", ParseMessagingCallEvent, 1)
	checkEnum(t, "MessagingStatus", ParseMessagingStatus, 7)
	checkEnum(t, "MessagingPartyQualifier", ParseMessagingPartyQualifier, 4)
	checkEnum(t, "MessagingPartyValidity", ParseMessagingPartyValidity, 3)
	checkEnum(t, "MessagingCopyQualifier", ParseMessagingCopyQualifier, 4)
	checkEnum(t, "MessagingTrigger", ParseMessagingTrigger, 5)
	checkEnum(t, "MessagingPriority", ParseMessagingPriority, 4)
	checkEnum(t, "MessagingGreetingType", ParseMessagingGreetingType, 5)
	checkEnum(t, "MessagingNotificationType", ParseMessagingNotificationType, 12)
	checkEnum(t, "MessagingMessageStatus", ParseMessagingMessageStatus, 11)
	checkEnum(t, "MessagingRequestedReports", ParseMessagingRequestedReports, 4)
	checkEnum(t, "EmailFormat", ParseEmailFormat, 2)
	checkEnum(t, "EmailEvent", ParseEmailEvent, 9)
	checkEnum(t, "EmailProtocol", ParseEmailProtocol, 5)
	checkEnum(t, "EmailStatus", ParseEmailStatus, 3)
	checkEnum(t, "EmailSenderValidity", ParseEmailSenderValidity, 2)
	checkEnum(t, "AAAResult", ParseAAAResult, 3)
	checkEnum(t, "AAAAuthMethod", ParseAAAAuthMethod, 3)
	checkEnum(t, "IRIType", ParseIRIType, 4)
	checkEnum(t, "TimeStampQualifier", ParseTimeStampQualifier, 4)
	checkEnum(t, "PayloadDirection", ParsePayloadDirection, 5)
	checkEnum(t, "TRIKind", ParseTRIKind, 7)
	checkEnum(t, "IPType", ParseIPType, 2)
	checkEnum(t, "IPAssignment", ParseIPAssignment, 3)
}

// TestEnumVersionsAndExtensions spot-checks the generated per-value tables against the texts:
// Annex D (EmailPDU ver9) of V3.3.1 and the version20 module's extension markers.
func TestEnumVersionsAndExtensions(t *testing.T) {
	type row struct {
		name  string
		since uint32
		ext   bool
		got   func() (uint32, bool)
	}
	of := func(v interface {
		sinceEmail() uint32
		afterExtensionMarker() bool
	}) func() (uint32, bool) {
		return func() (uint32, bool) { return v.sinceEmail(), v.afterExtensionMarker() }
	}
	rows := []row{
		{"Messaging-Event slamdown (ver9, before ...)", 9, false, of(EventSlamdown)},
		{"Messaging-Event calendar (version20, after ...)", 20, true, of(EventCalendar)},
		{"Messaging-Box-Event connect", 9, false, of(BoxConnect)},
		{"Messaging-Box-Event unknown(0) (after ..., not in Annex D)", 20, true, of(BoxUnknown)},
		{"Messaging-Box-Event greeting-play (in Annex D, after ... in version20)", 9, true, of(BoxGreetingPlay)},
		{"Messaging-Box-Event header-play-disable", 20, true, of(BoxHeaderPlayDisable)},
		{"Messaging-Notification-Event fax-to-email", 9, false, of(NotificationFaxToEmail)},
		{"Messaging-Notification-Event mms", 20, true, of(NotificationMMS)},
		{"Messaging-Status operation-lost", 20, true, of(StatusOperationLost)},
		{"Messaging-Party-Qualifier associated-party (Annex D, after ...)", 9, true, of(PartyAssociated)},
		{"notification-type lost-call", 9, false, of(NotifyLostCall)},
		{"notification-type message-to-email", 20, true, of(NotifyMessageToEmail)},
		{"E-mail-Protocol undefined", 9, false, of(ProtocolUndefined)},
		{"E-mail-Protocol webmail (not in Annex D)", 20, false, of(ProtocolWebmail)},
		{"E-mail-Event e-mail-upload", 9, true, of(EmailUpload)},
		{"e-mail-Sender-Validity nonvalidated", 9, false, of(SenderNonValidated)},
		{"Messaging-Party-Validity trusted (type is version20)", 20, false, of(ValidityTrusted)},
		{"Email-Format application (asn1gen.spec: ver9)", 9, false, of(EmailFormatApplication)},
		{"PayloadDirection notapplicable (LI-PS-PDU, not gated)", 9, true, of(DirectionNotApplicable)},
		{"TRIPayload cINReset", 9, true, of(TRICINReset)},
		{"TimeStampQualifier timeOfAggregation", 9, true, of(TimeStampOfAggregation)},
	}
	for _, r := range rows {
		if s, e := r.got(); s != r.since || e != r.ext {
			t.Errorf("%s: since %d, after marker %v; want %d, %v", r.name, s, e, r.since, r.ext)
		}
	}
}
