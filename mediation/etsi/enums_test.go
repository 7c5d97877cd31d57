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
