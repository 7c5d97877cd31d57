// Enumeration identifiers (String, Parse…, validity and first EmailPDU version) transcribed
// from shared/asn1 (EmailPDU version20, LI-PS-PDU version43) and Annex D of the spec. Every
// switch lists all values of its type: a value added to a type must be added here too.

package etsi

import "fmt"

// String returns the Messaging-System-Type identifier of v.
func (v MessagingSystemType) String() string {
	switch v {
	case SystemUnifiedMessaging:
		return "unified-messaging"
	}
	return fmt.Sprintf("MessagingSystemType(%d)", int(v))
}

// ParseMessagingSystemType parses a Messaging-System-Type identifier as String writes it.
func ParseMessagingSystemType(s string) (MessagingSystemType, error) {
	switch s {
	case "unified-messaging":
		return SystemUnifiedMessaging, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-System-Type value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-System-Type.
func (v MessagingSystemType) valid() bool {
	switch v {
	case SystemUnifiedMessaging:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-System-Type has v (see version_table.go).
func (v MessagingSystemType) sinceEmail() uint32 {
	switch v {
	case SystemUnifiedMessaging:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Event identifier of v.
func (v MessagingEvent) String() string {
	switch v {
	case EventDeposit:
		return "deposit"
	case EventRetrieve:
		return "retrieve"
	case EventDelete:
		return "delete"
	case EventSave:
		return "save"
	case EventSlamdown:
		return "slamdown"
	case EventCalendar:
		return "calendar"
	case EventContact:
		return "contact"
	}
	return fmt.Sprintf("MessagingEvent(%d)", int(v))
}

// ParseMessagingEvent parses a Messaging-Event identifier as String writes it.
func ParseMessagingEvent(s string) (MessagingEvent, error) {
	switch s {
	case "deposit":
		return EventDeposit, nil
	case "retrieve":
		return EventRetrieve, nil
	case "delete":
		return EventDelete, nil
	case "save":
		return EventSave, nil
	case "slamdown":
		return EventSlamdown, nil
	case "calendar":
		return EventCalendar, nil
	case "contact":
		return EventContact, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Event value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Event.
func (v MessagingEvent) valid() bool {
	switch v {
	case EventDeposit, EventRetrieve, EventDelete, EventSave, EventSlamdown, EventCalendar, EventContact:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Event has v (see version_table.go).
func (v MessagingEvent) sinceEmail() uint32 {
	switch v {
	case EventCalendar, EventContact:
		return EmailVersionLatest
	case EventDeposit, EventRetrieve, EventDelete, EventSave, EventSlamdown:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Box-Event identifier of v.
func (v MessagingBoxEvent) String() string {
	switch v {
	case BoxUnknown:
		return "unknown"
	case BoxLogin:
		return "login"
	case BoxLogout:
		return "logout"
	case BoxLock:
		return "lock"
	case BoxUnlock:
		return "unlock"
	case BoxActivate:
		return "activate"
	case BoxDeactivate:
		return "deactivate"
	case BoxDelete:
		return "delete"
	case BoxPinChange:
		return "pin-change"
	case BoxGreetingRecord:
		return "greeting-record"
	case BoxGreetingChange:
		return "greeting-change"
	case BoxGreetingDelete:
		return "greeting-delete"
	case BoxGreetingEnable:
		return "greeting-enable"
	case BoxGreetingDisable:
		return "greeting-disable"
	case BoxNotificationEnable:
		return "notification-enable"
	case BoxNotificationDisable:
		return "notification-disable"
	case BoxDisconnect:
		return "disconnect"
	case BoxConnect:
		return "connect"
	case BoxGreetingPlay:
		return "greeting-play"
	case BoxLanguageChange:
		return "language-change"
	case BoxPinSecurityEnable:
		return "pin-security-enable"
	case BoxPinSecurityDisable:
		return "pin-security-disable"
	case BoxPersonalOperatorAdd:
		return "personal-operator-add"
	case BoxPersonalOperatorChange:
		return "personal-operator-change"
	case BoxPersonalOperatorRemove:
		return "personal-operator-remove"
	case BoxAdditionalDestinationAdd:
		return "additional-destination-add"
	case BoxAdditionalDestinationChange:
		return "additional-destination-change"
	case BoxAdditionalDestinationRemove:
		return "additional-destination-remove"
	case BoxAutoPlayEnable:
		return "auto-play-enable"
	case BoxAutoPlayDisable:
		return "auto-play-disable"
	case BoxHeaderPlayEnable:
		return "header-play-enable"
	case BoxHeaderPlayDisable:
		return "header-play-disable"
	}
	return fmt.Sprintf("MessagingBoxEvent(%d)", int(v))
}

// ParseMessagingBoxEvent parses a Messaging-Box-Event identifier as String writes it.
func ParseMessagingBoxEvent(s string) (MessagingBoxEvent, error) {
	switch s {
	case "unknown":
		return BoxUnknown, nil
	case "login":
		return BoxLogin, nil
	case "logout":
		return BoxLogout, nil
	case "lock":
		return BoxLock, nil
	case "unlock":
		return BoxUnlock, nil
	case "activate":
		return BoxActivate, nil
	case "deactivate":
		return BoxDeactivate, nil
	case "delete":
		return BoxDelete, nil
	case "pin-change":
		return BoxPinChange, nil
	case "greeting-record":
		return BoxGreetingRecord, nil
	case "greeting-change":
		return BoxGreetingChange, nil
	case "greeting-delete":
		return BoxGreetingDelete, nil
	case "greeting-enable":
		return BoxGreetingEnable, nil
	case "greeting-disable":
		return BoxGreetingDisable, nil
	case "notification-enable":
		return BoxNotificationEnable, nil
	case "notification-disable":
		return BoxNotificationDisable, nil
	case "disconnect":
		return BoxDisconnect, nil
	case "connect":
		return BoxConnect, nil
	case "greeting-play":
		return BoxGreetingPlay, nil
	case "language-change":
		return BoxLanguageChange, nil
	case "pin-security-enable":
		return BoxPinSecurityEnable, nil
	case "pin-security-disable":
		return BoxPinSecurityDisable, nil
	case "personal-operator-add":
		return BoxPersonalOperatorAdd, nil
	case "personal-operator-change":
		return BoxPersonalOperatorChange, nil
	case "personal-operator-remove":
		return BoxPersonalOperatorRemove, nil
	case "additional-destination-add":
		return BoxAdditionalDestinationAdd, nil
	case "additional-destination-change":
		return BoxAdditionalDestinationChange, nil
	case "additional-destination-remove":
		return BoxAdditionalDestinationRemove, nil
	case "auto-play-enable":
		return BoxAutoPlayEnable, nil
	case "auto-play-disable":
		return BoxAutoPlayDisable, nil
	case "header-play-enable":
		return BoxHeaderPlayEnable, nil
	case "header-play-disable":
		return BoxHeaderPlayDisable, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Box-Event value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Box-Event.
func (v MessagingBoxEvent) valid() bool {
	switch v {
	case BoxUnknown, BoxLogin, BoxLogout, BoxLock, BoxUnlock, BoxActivate, BoxDeactivate, BoxDelete, BoxPinChange, BoxGreetingRecord, BoxGreetingChange, BoxGreetingDelete, BoxGreetingEnable, BoxGreetingDisable, BoxNotificationEnable, BoxNotificationDisable, BoxDisconnect, BoxConnect, BoxGreetingPlay, BoxLanguageChange, BoxPinSecurityEnable, BoxPinSecurityDisable, BoxPersonalOperatorAdd, BoxPersonalOperatorChange, BoxPersonalOperatorRemove, BoxAdditionalDestinationAdd, BoxAdditionalDestinationChange, BoxAdditionalDestinationRemove, BoxAutoPlayEnable, BoxAutoPlayDisable, BoxHeaderPlayEnable, BoxHeaderPlayDisable:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Box-Event has v (see version_table.go).
func (v MessagingBoxEvent) sinceEmail() uint32 {
	switch v {
	case BoxUnknown, BoxPersonalOperatorAdd, BoxPersonalOperatorChange, BoxPersonalOperatorRemove, BoxAdditionalDestinationAdd, BoxAdditionalDestinationChange, BoxAdditionalDestinationRemove, BoxAutoPlayEnable, BoxAutoPlayDisable, BoxHeaderPlayEnable, BoxHeaderPlayDisable:
		return EmailVersionLatest
	case BoxLogin, BoxLogout, BoxLock, BoxUnlock, BoxActivate, BoxDeactivate, BoxDelete, BoxPinChange, BoxGreetingRecord, BoxGreetingChange, BoxGreetingDelete, BoxGreetingEnable, BoxGreetingDisable, BoxNotificationEnable, BoxNotificationDisable, BoxDisconnect, BoxConnect, BoxGreetingPlay, BoxLanguageChange, BoxPinSecurityEnable, BoxPinSecurityDisable:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Notification-Event identifier of v.
func (v MessagingNotificationEvent) String() string {
	switch v {
	case NotificationSMS:
		return "sms"
	case NotificationSMSDeposit:
		return "sms-deposit"
	case NotificationSMSSlamdown:
		return "sms-slamdown"
	case NotificationSMSPinReminder:
		return "sms-pin-reminder"
	case NotificationEmail:
		return "email"
	case NotificationFaxToEmail:
		return "fax-to-email"
	case NotificationMMS:
		return "mms"
	case NotificationGeneric:
		return "generic"
	}
	return fmt.Sprintf("MessagingNotificationEvent(%d)", int(v))
}

// ParseMessagingNotificationEvent parses a Messaging-Notification-Event identifier as String writes it.
func ParseMessagingNotificationEvent(s string) (MessagingNotificationEvent, error) {
	switch s {
	case "sms":
		return NotificationSMS, nil
	case "sms-deposit":
		return NotificationSMSDeposit, nil
	case "sms-slamdown":
		return NotificationSMSSlamdown, nil
	case "sms-pin-reminder":
		return NotificationSMSPinReminder, nil
	case "email":
		return NotificationEmail, nil
	case "fax-to-email":
		return NotificationFaxToEmail, nil
	case "mms":
		return NotificationMMS, nil
	case "generic":
		return NotificationGeneric, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Notification-Event value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Notification-Event.
func (v MessagingNotificationEvent) valid() bool {
	switch v {
	case NotificationSMS, NotificationSMSDeposit, NotificationSMSSlamdown, NotificationSMSPinReminder, NotificationEmail, NotificationFaxToEmail, NotificationMMS, NotificationGeneric:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Notification-Event has v (see version_table.go).
func (v MessagingNotificationEvent) sinceEmail() uint32 {
	switch v {
	case NotificationMMS, NotificationGeneric:
		return EmailVersionLatest
	case NotificationSMS, NotificationSMSDeposit, NotificationSMSSlamdown, NotificationSMSPinReminder, NotificationEmail, NotificationFaxToEmail:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Call-Event identifier of v.
func (v MessagingCallEvent) String() string {
	switch v {
	case CallCallout:
		return "callout"
	}
	return fmt.Sprintf("MessagingCallEvent(%d)", int(v))
}

// ParseMessagingCallEvent parses a Messaging-Call-Event identifier as String writes it.
func ParseMessagingCallEvent(s string) (MessagingCallEvent, error) {
	switch s {
	case "callout":
		return CallCallout, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Call-Event value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Call-Event.
func (v MessagingCallEvent) valid() bool {
	switch v {
	case CallCallout:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Call-Event has v (see version_table.go).
func (v MessagingCallEvent) sinceEmail() uint32 {
	switch v {
	case CallCallout:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Status identifier of v.
func (v MessagingStatus) String() string {
	switch v {
	case StatusUnknown:
		return "unknown"
	case StatusNotApplicable:
		return "not-applicable"
	case StatusOperationFailed:
		return "operation-failed"
	case StatusOperationSucceeded:
		return "operation-succeeded"
	case StatusOperationCancelled:
		return "operation-cancelled"
	case StatusOperationStarted:
		return "operation-started"
	case StatusOperationLost:
		return "operation-lost"
	}
	return fmt.Sprintf("MessagingStatus(%d)", int(v))
}

// ParseMessagingStatus parses a Messaging-Status identifier as String writes it.
func ParseMessagingStatus(s string) (MessagingStatus, error) {
	switch s {
	case "unknown":
		return StatusUnknown, nil
	case "not-applicable":
		return StatusNotApplicable, nil
	case "operation-failed":
		return StatusOperationFailed, nil
	case "operation-succeeded":
		return StatusOperationSucceeded, nil
	case "operation-cancelled":
		return StatusOperationCancelled, nil
	case "operation-started":
		return StatusOperationStarted, nil
	case "operation-lost":
		return StatusOperationLost, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Status value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Status.
func (v MessagingStatus) valid() bool {
	switch v {
	case StatusUnknown, StatusNotApplicable, StatusOperationFailed, StatusOperationSucceeded, StatusOperationCancelled, StatusOperationStarted, StatusOperationLost:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Status has v (see version_table.go).
func (v MessagingStatus) sinceEmail() uint32 {
	switch v {
	case StatusOperationLost:
		return EmailVersionLatest
	case StatusUnknown, StatusNotApplicable, StatusOperationFailed, StatusOperationSucceeded, StatusOperationCancelled, StatusOperationStarted:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Party-Qualifier identifier of v.
func (v MessagingPartyQualifier) String() string {
	switch v {
	case PartyUnknown:
		return "unknown-party"
	case PartyOriginating:
		return "originating-party"
	case PartyTerminating:
		return "terminating-party"
	case PartyAssociated:
		return "associated-party"
	}
	return fmt.Sprintf("MessagingPartyQualifier(%d)", int(v))
}

// ParseMessagingPartyQualifier parses a Messaging-Party-Qualifier identifier as String writes it.
func ParseMessagingPartyQualifier(s string) (MessagingPartyQualifier, error) {
	switch s {
	case "unknown-party":
		return PartyUnknown, nil
	case "originating-party":
		return PartyOriginating, nil
	case "terminating-party":
		return PartyTerminating, nil
	case "associated-party":
		return PartyAssociated, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Party-Qualifier value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Party-Qualifier.
func (v MessagingPartyQualifier) valid() bool {
	switch v {
	case PartyUnknown, PartyOriginating, PartyTerminating, PartyAssociated:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Party-Qualifier has v (see version_table.go).
func (v MessagingPartyQualifier) sinceEmail() uint32 {
	switch v {
	case PartyUnknown, PartyOriginating, PartyTerminating, PartyAssociated:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Party-Validity identifier of v.
func (v MessagingPartyValidity) String() string {
	switch v {
	case ValidityUnknown:
		return "unknown"
	case ValidityTrusted:
		return "trusted"
	case ValidityUntrusted:
		return "untrusted"
	}
	return fmt.Sprintf("MessagingPartyValidity(%d)", int(v))
}

// ParseMessagingPartyValidity parses a Messaging-Party-Validity identifier as String writes it.
func ParseMessagingPartyValidity(s string) (MessagingPartyValidity, error) {
	switch s {
	case "unknown":
		return ValidityUnknown, nil
	case "trusted":
		return ValidityTrusted, nil
	case "untrusted":
		return ValidityUntrusted, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Party-Validity value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Party-Validity.
func (v MessagingPartyValidity) valid() bool {
	switch v {
	case ValidityUnknown, ValidityTrusted, ValidityUntrusted:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Party-Validity has v (see version_table.go).
func (v MessagingPartyValidity) sinceEmail() uint32 {
	switch v {
	case ValidityUnknown, ValidityTrusted, ValidityUntrusted:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Copy-Qualifier identifier of v.
func (v MessagingCopyQualifier) String() string {
	switch v {
	case CopyUnknown:
		return "unknown"
	case CopyNone:
		return "none"
	case CopyCC:
		return "cc"
	case CopyBCC:
		return "bcc"
	}
	return fmt.Sprintf("MessagingCopyQualifier(%d)", int(v))
}

// ParseMessagingCopyQualifier parses a Messaging-Copy-Qualifier identifier as String writes it.
func ParseMessagingCopyQualifier(s string) (MessagingCopyQualifier, error) {
	switch s {
	case "unknown":
		return CopyUnknown, nil
	case "none":
		return CopyNone, nil
	case "cc":
		return CopyCC, nil
	case "bcc":
		return CopyBCC, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Copy-Qualifier value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Copy-Qualifier.
func (v MessagingCopyQualifier) valid() bool {
	switch v {
	case CopyUnknown, CopyNone, CopyCC, CopyBCC:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Copy-Qualifier has v (see version_table.go).
func (v MessagingCopyQualifier) sinceEmail() uint32 {
	switch v {
	case CopyUnknown, CopyNone, CopyCC, CopyBCC:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Trigger identifier of v.
func (v MessagingTrigger) String() string {
	switch v {
	case TriggerUnknown:
		return "unknown"
	case TriggerUser:
		return "user"
	case TriggerUserAgent:
		return "user-agent"
	case TriggerSystem:
		return "system"
	case TriggerSystemOperator:
		return "system-operator"
	}
	return fmt.Sprintf("MessagingTrigger(%d)", int(v))
}

// ParseMessagingTrigger parses a Messaging-Trigger identifier as String writes it.
func ParseMessagingTrigger(s string) (MessagingTrigger, error) {
	switch s {
	case "unknown":
		return TriggerUnknown, nil
	case "user":
		return TriggerUser, nil
	case "user-agent":
		return TriggerUserAgent, nil
	case "system":
		return TriggerSystem, nil
	case "system-operator":
		return TriggerSystemOperator, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Trigger value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Trigger.
func (v MessagingTrigger) valid() bool {
	switch v {
	case TriggerUnknown, TriggerUser, TriggerUserAgent, TriggerSystem, TriggerSystemOperator:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Trigger has v (see version_table.go).
func (v MessagingTrigger) sinceEmail() uint32 {
	switch v {
	case TriggerUnknown, TriggerUser, TriggerUserAgent, TriggerSystem, TriggerSystemOperator:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Property-Priority identifier of v.
func (v MessagingPriority) String() string {
	switch v {
	case PriorityLow:
		return "low"
	case PriorityMedium:
		return "medium"
	case PriorityHigh:
		return "high"
	case PriorityPrivate:
		return "private"
	}
	return fmt.Sprintf("MessagingPriority(%d)", int(v))
}

// ParseMessagingPriority parses a Messaging-Property-Priority identifier as String writes it.
func ParseMessagingPriority(s string) (MessagingPriority, error) {
	switch s {
	case "low":
		return PriorityLow, nil
	case "medium":
		return PriorityMedium, nil
	case "high":
		return PriorityHigh, nil
	case "private":
		return PriorityPrivate, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Property-Priority value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Property-Priority.
func (v MessagingPriority) valid() bool {
	switch v {
	case PriorityLow, PriorityMedium, PriorityHigh, PriorityPrivate:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Property-Priority has v (see version_table.go).
func (v MessagingPriority) sinceEmail() uint32 {
	switch v {
	case PriorityLow, PriorityMedium, PriorityHigh, PriorityPrivate:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Property-Greeting-Type identifier of v.
func (v MessagingGreetingType) String() string {
	switch v {
	case GreetingGeneral:
		return "general"
	case GreetingName:
		return "name"
	case GreetingPersonal:
		return "personal"
	case GreetingAbsence:
		return "absence"
	case GreetingNumber:
		return "number"
	}
	return fmt.Sprintf("MessagingGreetingType(%d)", int(v))
}

// ParseMessagingGreetingType parses a Messaging-Property-Greeting-Type identifier as String writes it.
func ParseMessagingGreetingType(s string) (MessagingGreetingType, error) {
	switch s {
	case "general":
		return GreetingGeneral, nil
	case "name":
		return GreetingName, nil
	case "personal":
		return GreetingPersonal, nil
	case "absence":
		return GreetingAbsence, nil
	case "number":
		return GreetingNumber, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Property-Greeting-Type value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Property-Greeting-Type.
func (v MessagingGreetingType) valid() bool {
	switch v {
	case GreetingGeneral, GreetingName, GreetingPersonal, GreetingAbsence, GreetingNumber:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Property-Greeting-Type has v (see version_table.go).
func (v MessagingGreetingType) sinceEmail() uint32 {
	switch v {
	case GreetingGeneral, GreetingName, GreetingPersonal, GreetingAbsence, GreetingNumber:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Property-Notification-Type identifier of v.
func (v MessagingNotificationType) String() string {
	switch v {
	case NotifyEmptyCall:
		return "empty-call"
	case NotifyLostCall:
		return "lost-call"
	case NotifyMessageToEmail:
		return "message-to-email"
	case NotifyReadReport:
		return "read-report"
	case NotifyDeliveryReport:
		return "delivery-report"
	case NotifyAllowDeliveryReport:
		return "allow-delivery-report"
	case NotifyDenyDeliveryReport:
		return "deny-delivery-report"
	case NotifyMessageWaiting:
		return "message-wait-indication"
	case NotifyVoiceToText:
		return "voice-to-text"
	case NotifyNewMessageSMS:
		return "new-message-sms"
	case NotifyNewMessageOutcall:
		return "new-message-outcall"
	case NotifyNewMessageReminder:
		return "new-message-reminder"
	}
	return fmt.Sprintf("MessagingNotificationType(%d)", int(v))
}

// ParseMessagingNotificationType parses a Messaging-Property-Notification-Type identifier as String writes it.
func ParseMessagingNotificationType(s string) (MessagingNotificationType, error) {
	switch s {
	case "empty-call":
		return NotifyEmptyCall, nil
	case "lost-call":
		return NotifyLostCall, nil
	case "message-to-email":
		return NotifyMessageToEmail, nil
	case "read-report":
		return NotifyReadReport, nil
	case "delivery-report":
		return NotifyDeliveryReport, nil
	case "allow-delivery-report":
		return NotifyAllowDeliveryReport, nil
	case "deny-delivery-report":
		return NotifyDenyDeliveryReport, nil
	case "message-wait-indication":
		return NotifyMessageWaiting, nil
	case "voice-to-text":
		return NotifyVoiceToText, nil
	case "new-message-sms":
		return NotifyNewMessageSMS, nil
	case "new-message-outcall":
		return NotifyNewMessageOutcall, nil
	case "new-message-reminder":
		return NotifyNewMessageReminder, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Property-Notification-Type value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Property-Notification-Type.
func (v MessagingNotificationType) valid() bool {
	switch v {
	case NotifyEmptyCall, NotifyLostCall, NotifyMessageToEmail, NotifyReadReport, NotifyDeliveryReport, NotifyAllowDeliveryReport, NotifyDenyDeliveryReport, NotifyMessageWaiting, NotifyVoiceToText, NotifyNewMessageSMS, NotifyNewMessageOutcall, NotifyNewMessageReminder:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Property-Notification-Type has v (see version_table.go).
func (v MessagingNotificationType) sinceEmail() uint32 {
	switch v {
	case NotifyMessageToEmail, NotifyReadReport, NotifyDeliveryReport, NotifyAllowDeliveryReport, NotifyDenyDeliveryReport, NotifyMessageWaiting, NotifyVoiceToText, NotifyNewMessageSMS, NotifyNewMessageOutcall, NotifyNewMessageReminder:
		return EmailVersionLatest
	case NotifyEmptyCall, NotifyLostCall:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Property-Message-Status identifier of v.
func (v MessagingMessageStatus) String() string {
	switch v {
	case MessageIndeterminate:
		return "indeterminate"
	case MessageExpired:
		return "expired"
	case MessageRetrieved:
		return "retrieved"
	case MessageRejected:
		return "rejected"
	case MessageDeferred:
		return "deferred"
	case MessageForwarded:
		return "forwarded"
	case MessageUnrecognized:
		return "unrecognized"
	case MessageUnreachable:
		return "unreachable"
	case MessageRead:
		return "read"
	case MessageDeletedWithoutBeingRead:
		return "deleted-without-being-read"
	case MessageDeliveryConditionNotMet:
		return "delivery-condition-not-met"
	}
	return fmt.Sprintf("MessagingMessageStatus(%d)", int(v))
}

// ParseMessagingMessageStatus parses a Messaging-Property-Message-Status identifier as String writes it.
func ParseMessagingMessageStatus(s string) (MessagingMessageStatus, error) {
	switch s {
	case "indeterminate":
		return MessageIndeterminate, nil
	case "expired":
		return MessageExpired, nil
	case "retrieved":
		return MessageRetrieved, nil
	case "rejected":
		return MessageRejected, nil
	case "deferred":
		return MessageDeferred, nil
	case "forwarded":
		return MessageForwarded, nil
	case "unrecognized":
		return MessageUnrecognized, nil
	case "unreachable":
		return MessageUnreachable, nil
	case "read":
		return MessageRead, nil
	case "deleted-without-being-read":
		return MessageDeletedWithoutBeingRead, nil
	case "delivery-condition-not-met":
		return MessageDeliveryConditionNotMet, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Property-Message-Status value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Property-Message-Status.
func (v MessagingMessageStatus) valid() bool {
	switch v {
	case MessageIndeterminate, MessageExpired, MessageRetrieved, MessageRejected, MessageDeferred, MessageForwarded, MessageUnrecognized, MessageUnreachable, MessageRead, MessageDeletedWithoutBeingRead, MessageDeliveryConditionNotMet:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Property-Message-Status has v (see version_table.go).
func (v MessagingMessageStatus) sinceEmail() uint32 {
	switch v {
	case MessageIndeterminate, MessageExpired, MessageRetrieved, MessageRejected, MessageDeferred, MessageForwarded, MessageUnrecognized, MessageUnreachable, MessageRead, MessageDeletedWithoutBeingRead, MessageDeliveryConditionNotMet:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Messaging-Property-Requested-Reports identifier of v.
func (v MessagingRequestedReports) String() string {
	switch v {
	case ReportsNone:
		return "none"
	case ReportsDelivery:
		return "delivery"
	case ReportsRead:
		return "read"
	case ReportsDeliveryAndRead:
		return "delivery-and-read"
	}
	return fmt.Sprintf("MessagingRequestedReports(%d)", int(v))
}

// ParseMessagingRequestedReports parses a Messaging-Property-Requested-Reports identifier as String writes it.
func ParseMessagingRequestedReports(s string) (MessagingRequestedReports, error) {
	switch s {
	case "none":
		return ReportsNone, nil
	case "delivery":
		return ReportsDelivery, nil
	case "read":
		return ReportsRead, nil
	case "delivery-and-read":
		return ReportsDeliveryAndRead, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Messaging-Property-Requested-Reports value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Messaging-Property-Requested-Reports.
func (v MessagingRequestedReports) valid() bool {
	switch v {
	case ReportsNone, ReportsDelivery, ReportsRead, ReportsDeliveryAndRead:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Messaging-Property-Requested-Reports has v (see version_table.go).
func (v MessagingRequestedReports) sinceEmail() uint32 {
	switch v {
	case ReportsNone, ReportsDelivery, ReportsRead, ReportsDeliveryAndRead:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the Email-Format identifier of v.
func (v EmailFormat) String() string {
	switch v {
	case EmailFormatIPPacket:
		return "ip-packet"
	case EmailFormatApplication:
		return "application"
	}
	return fmt.Sprintf("EmailFormat(%d)", int(v))
}

// ParseEmailFormat parses a Email-Format identifier as String writes it.
func ParseEmailFormat(s string) (EmailFormat, error) {
	switch s {
	case "ip-packet":
		return EmailFormatIPPacket, nil
	case "application":
		return EmailFormatApplication, nil
	}
	return 0, fmt.Errorf("%w: %q is not a Email-Format value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of Email-Format.
func (v EmailFormat) valid() bool {
	switch v {
	case EmailFormatIPPacket, EmailFormatApplication:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose Email-Format has v (see version_table.go).
func (v EmailFormat) sinceEmail() uint32 {
	switch v {
	case EmailFormatIPPacket, EmailFormatApplication:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the E-mail-Event identifier of v.
func (v EmailEvent) String() string {
	switch v {
	case EmailSend:
		return "e-mail-send"
	case EmailReceive:
		return "e-mail-receive"
	case EmailDownload:
		return "e-mail-download"
	case EmailLogonAttempt:
		return "e-mail-logon-attempt"
	case EmailLogon:
		return "e-mail-logon"
	case EmailLogonFailure:
		return "e-mail-logon-failure"
	case EmailLogoff:
		return "e-mail-logoff"
	case EmailPartialDownload:
		return "e-mail-partial-download"
	case EmailUpload:
		return "e-mail-upload"
	}
	return fmt.Sprintf("EmailEvent(%d)", int(v))
}

// ParseEmailEvent parses a E-mail-Event identifier as String writes it.
func ParseEmailEvent(s string) (EmailEvent, error) {
	switch s {
	case "e-mail-send":
		return EmailSend, nil
	case "e-mail-receive":
		return EmailReceive, nil
	case "e-mail-download":
		return EmailDownload, nil
	case "e-mail-logon-attempt":
		return EmailLogonAttempt, nil
	case "e-mail-logon":
		return EmailLogon, nil
	case "e-mail-logon-failure":
		return EmailLogonFailure, nil
	case "e-mail-logoff":
		return EmailLogoff, nil
	case "e-mail-partial-download":
		return EmailPartialDownload, nil
	case "e-mail-upload":
		return EmailUpload, nil
	}
	return 0, fmt.Errorf("%w: %q is not a E-mail-Event value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of E-mail-Event.
func (v EmailEvent) valid() bool {
	switch v {
	case EmailSend, EmailReceive, EmailDownload, EmailLogonAttempt, EmailLogon, EmailLogonFailure, EmailLogoff, EmailPartialDownload, EmailUpload:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose E-mail-Event has v (see version_table.go).
func (v EmailEvent) sinceEmail() uint32 {
	switch v {
	case EmailSend, EmailReceive, EmailDownload, EmailLogonAttempt, EmailLogon, EmailLogonFailure, EmailLogoff, EmailPartialDownload, EmailUpload:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the E-mail-Protocol identifier of v.
func (v EmailProtocol) String() string {
	switch v {
	case ProtocolSMTP:
		return "smtp"
	case ProtocolPOP3:
		return "pop3"
	case ProtocolIMAP4:
		return "imap4"
	case ProtocolWebmail:
		return "webmail"
	case ProtocolUndefined:
		return "undefined"
	}
	return fmt.Sprintf("EmailProtocol(%d)", int(v))
}

// ParseEmailProtocol parses a E-mail-Protocol identifier as String writes it.
func ParseEmailProtocol(s string) (EmailProtocol, error) {
	switch s {
	case "smtp":
		return ProtocolSMTP, nil
	case "pop3":
		return ProtocolPOP3, nil
	case "imap4":
		return ProtocolIMAP4, nil
	case "webmail":
		return ProtocolWebmail, nil
	case "undefined":
		return ProtocolUndefined, nil
	}
	return 0, fmt.Errorf("%w: %q is not a E-mail-Protocol value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of E-mail-Protocol.
func (v EmailProtocol) valid() bool {
	switch v {
	case ProtocolSMTP, ProtocolPOP3, ProtocolIMAP4, ProtocolWebmail, ProtocolUndefined:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose E-mail-Protocol has v (see version_table.go).
func (v EmailProtocol) sinceEmail() uint32 {
	switch v {
	case ProtocolWebmail:
		return EmailVersionLatest
	case ProtocolSMTP, ProtocolPOP3, ProtocolIMAP4, ProtocolUndefined:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the E-mail-Status identifier of v.
func (v EmailStatus) String() string {
	switch v {
	case EmailStatusUnknown:
		return "status-unknown"
	case EmailStatusFailed:
		return "operation-failed"
	case EmailStatusSucceeded:
		return "operation-succeeded"
	}
	return fmt.Sprintf("EmailStatus(%d)", int(v))
}

// ParseEmailStatus parses a E-mail-Status identifier as String writes it.
func ParseEmailStatus(s string) (EmailStatus, error) {
	switch s {
	case "status-unknown":
		return EmailStatusUnknown, nil
	case "operation-failed":
		return EmailStatusFailed, nil
	case "operation-succeeded":
		return EmailStatusSucceeded, nil
	}
	return 0, fmt.Errorf("%w: %q is not a E-mail-Status value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of E-mail-Status.
func (v EmailStatus) valid() bool {
	switch v {
	case EmailStatusUnknown, EmailStatusFailed, EmailStatusSucceeded:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose E-mail-Status has v (see version_table.go).
func (v EmailStatus) sinceEmail() uint32 {
	switch v {
	case EmailStatusUnknown, EmailStatusFailed, EmailStatusSucceeded:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the e-mail-Sender-Validity identifier of v.
func (v EmailSenderValidity) String() string {
	switch v {
	case SenderValidated:
		return "validated"
	case SenderNonValidated:
		return "nonvalidated"
	}
	return fmt.Sprintf("EmailSenderValidity(%d)", int(v))
}

// ParseEmailSenderValidity parses a e-mail-Sender-Validity identifier as String writes it.
func ParseEmailSenderValidity(s string) (EmailSenderValidity, error) {
	switch s {
	case "validated":
		return SenderValidated, nil
	case "nonvalidated":
		return SenderNonValidated, nil
	}
	return 0, fmt.Errorf("%w: %q is not a e-mail-Sender-Validity value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of e-mail-Sender-Validity.
func (v EmailSenderValidity) valid() bool {
	switch v {
	case SenderValidated, SenderNonValidated:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose e-mail-Sender-Validity has v (see version_table.go).
func (v EmailSenderValidity) sinceEmail() uint32 {
	switch v {
	case SenderValidated, SenderNonValidated:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the AAAResult identifier of v.
func (v AAAResult) String() string {
	switch v {
	case AAAResultUnknown:
		return "resultUnknown"
	case AAAFailed:
		return "aAAFailed"
	case AAASucceeded:
		return "aAASucceeded"
	}
	return fmt.Sprintf("AAAResult(%d)", int(v))
}

// ParseAAAResult parses a AAAResult identifier as String writes it.
func ParseAAAResult(s string) (AAAResult, error) {
	switch s {
	case "resultUnknown":
		return AAAResultUnknown, nil
	case "aAAFailed":
		return AAAFailed, nil
	case "aAASucceeded":
		return AAASucceeded, nil
	}
	return 0, fmt.Errorf("%w: %q is not a AAAResult value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of AAAResult.
func (v AAAResult) valid() bool {
	switch v {
	case AAAResultUnknown, AAAFailed, AAASucceeded:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose AAAResult has v (see version_table.go).
func (v AAAResult) sinceEmail() uint32 {
	switch v {
	case AAAResultUnknown, AAAFailed, AAASucceeded:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the AAAauthMethod identifier of v.
func (v AAAAuthMethod) String() string {
	switch v {
	case AuthMethodUndefined:
		return "undefinedAuthMethod"
	case AuthMethodCRAMMD5:
		return "cramMD5"
	case AuthMethodDigestMD5:
		return "digestMD5"
	}
	return fmt.Sprintf("AAAAuthMethod(%d)", int(v))
}

// ParseAAAAuthMethod parses a AAAauthMethod identifier as String writes it.
func ParseAAAAuthMethod(s string) (AAAAuthMethod, error) {
	switch s {
	case "undefinedAuthMethod":
		return AuthMethodUndefined, nil
	case "cramMD5":
		return AuthMethodCRAMMD5, nil
	case "digestMD5":
		return AuthMethodDigestMD5, nil
	}
	return 0, fmt.Errorf("%w: %q is not a AAAauthMethod value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of AAAauthMethod.
func (v AAAAuthMethod) valid() bool {
	switch v {
	case AuthMethodUndefined, AuthMethodCRAMMD5, AuthMethodDigestMD5:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose AAAauthMethod has v (see version_table.go).
func (v AAAAuthMethod) sinceEmail() uint32 {
	switch v {
	case AuthMethodUndefined, AuthMethodCRAMMD5, AuthMethodDigestMD5:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the IRIType identifier of v.
func (v IRIType) String() string {
	switch v {
	case IRIBegin:
		return "iRI-Begin"
	case IRIEnd:
		return "iRI-End"
	case IRIContinue:
		return "iRI-Continue"
	case IRIReport:
		return "iRI-Report"
	}
	return fmt.Sprintf("IRIType(%d)", int(v))
}

// ParseIRIType parses a IRIType identifier as String writes it.
func ParseIRIType(s string) (IRIType, error) {
	switch s {
	case "iRI-Begin":
		return IRIBegin, nil
	case "iRI-End":
		return IRIEnd, nil
	case "iRI-Continue":
		return IRIContinue, nil
	case "iRI-Report":
		return IRIReport, nil
	}
	return 0, fmt.Errorf("%w: %q is not a IRIType value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of IRIType.
func (v IRIType) valid() bool {
	switch v {
	case IRIBegin, IRIEnd, IRIContinue, IRIReport:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose IRIType has v (see version_table.go).
func (v IRIType) sinceEmail() uint32 {
	switch v {
	case IRIBegin, IRIEnd, IRIContinue, IRIReport:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the TimeStampQualifier identifier of v.
func (v TimeStampQualifier) String() string {
	switch v {
	case TimeStampUnknown:
		return "unknown"
	case TimeStampOfInterception:
		return "timeOfInterception"
	case TimeStampOfMediation:
		return "timeOfMediation"
	case TimeStampOfAggregation:
		return "timeOfAggregation"
	}
	return fmt.Sprintf("TimeStampQualifier(%d)", int(v))
}

// ParseTimeStampQualifier parses a TimeStampQualifier identifier as String writes it.
func ParseTimeStampQualifier(s string) (TimeStampQualifier, error) {
	switch s {
	case "unknown":
		return TimeStampUnknown, nil
	case "timeOfInterception":
		return TimeStampOfInterception, nil
	case "timeOfMediation":
		return TimeStampOfMediation, nil
	case "timeOfAggregation":
		return TimeStampOfAggregation, nil
	}
	return 0, fmt.Errorf("%w: %q is not a TimeStampQualifier value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of TimeStampQualifier.
func (v TimeStampQualifier) valid() bool {
	switch v {
	case TimeStampUnknown, TimeStampOfInterception, TimeStampOfMediation, TimeStampOfAggregation:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose TimeStampQualifier has v (see version_table.go).
func (v TimeStampQualifier) sinceEmail() uint32 {
	switch v {
	case TimeStampUnknown, TimeStampOfInterception, TimeStampOfMediation, TimeStampOfAggregation:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the PayloadDirection identifier of v.
func (v PayloadDirection) String() string {
	switch v {
	case DirectionFromTarget:
		return "fromTarget"
	case DirectionToTarget:
		return "toTarget"
	case DirectionIndeterminate:
		return "indeterminate"
	case DirectionCombined:
		return "combined"
	case DirectionNotApplicable:
		return "notapplicable"
	}
	return fmt.Sprintf("PayloadDirection(%d)", int(v))
}

// ParsePayloadDirection parses a PayloadDirection identifier as String writes it.
func ParsePayloadDirection(s string) (PayloadDirection, error) {
	switch s {
	case "fromTarget":
		return DirectionFromTarget, nil
	case "toTarget":
		return DirectionToTarget, nil
	case "indeterminate":
		return DirectionIndeterminate, nil
	case "combined":
		return DirectionCombined, nil
	case "notapplicable":
		return DirectionNotApplicable, nil
	}
	return 0, fmt.Errorf("%w: %q is not a PayloadDirection value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of PayloadDirection.
func (v PayloadDirection) valid() bool {
	switch v {
	case DirectionFromTarget, DirectionToTarget, DirectionIndeterminate, DirectionCombined, DirectionNotApplicable:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose PayloadDirection has v (see version_table.go).
func (v PayloadDirection) sinceEmail() uint32 {
	switch v {
	case DirectionFromTarget, DirectionToTarget, DirectionIndeterminate, DirectionCombined, DirectionNotApplicable:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the TRIPayload identifier of v.
func (v TRIKind) String() string {
	switch v {
	case TRITest:
		return "testPDU"
	case TRIPadding:
		return "paddingPDU"
	case TRIKeepAlive:
		return "keep-alive"
	case TRIKeepAliveResponse:
		return "keep-aliveResponse"
	case TRIFirstSegment:
		return "firstSegmentFlag"
	case TRILastSegment:
		return "lastSegmentFlag"
	case TRICINReset:
		return "cINReset"
	}
	return fmt.Sprintf("TRIKind(%d)", int(v))
}

// ParseTRIKind parses a TRIPayload identifier as String writes it.
func ParseTRIKind(s string) (TRIKind, error) {
	switch s {
	case "testPDU":
		return TRITest, nil
	case "paddingPDU":
		return TRIPadding, nil
	case "keep-alive":
		return TRIKeepAlive, nil
	case "keep-aliveResponse":
		return TRIKeepAliveResponse, nil
	case "firstSegmentFlag":
		return TRIFirstSegment, nil
	case "lastSegmentFlag":
		return TRILastSegment, nil
	case "cINReset":
		return TRICINReset, nil
	}
	return 0, fmt.Errorf("%w: %q is not a TRIPayload value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of TRIPayload.
func (v TRIKind) valid() bool {
	switch v {
	case TRITest, TRIPadding, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose TRIPayload has v (see version_table.go).
func (v TRIKind) sinceEmail() uint32 {
	switch v {
	case TRITest, TRIPadding, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the iP-type identifier of v.
func (v IPType) String() string {
	switch v {
	case IPv4:
		return "iPV4"
	case IPv6:
		return "iPV6"
	}
	return fmt.Sprintf("IPType(%d)", int(v))
}

// ParseIPType parses a iP-type identifier as String writes it.
func ParseIPType(s string) (IPType, error) {
	switch s {
	case "iPV4":
		return IPv4, nil
	case "iPV6":
		return IPv6, nil
	}
	return 0, fmt.Errorf("%w: %q is not a iP-type value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of iP-type.
func (v IPType) valid() bool {
	switch v {
	case IPv4, IPv6:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose iP-type has v (see version_table.go).
func (v IPType) sinceEmail() uint32 {
	switch v {
	case IPv4, IPv6:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}

// String returns the iP-assignment identifier of v.
func (v IPAssignment) String() string {
	switch v {
	case IPStatic:
		return "static"
	case IPDynamic:
		return "dynamic"
	case IPNotKnown:
		return "notKnown"
	}
	return fmt.Sprintf("IPAssignment(%d)", int(v))
}

// ParseIPAssignment parses a iP-assignment identifier as String writes it.
func ParseIPAssignment(s string) (IPAssignment, error) {
	switch s {
	case "static":
		return IPStatic, nil
	case "dynamic":
		return IPDynamic, nil
	case "notKnown":
		return IPNotKnown, nil
	}
	return 0, fmt.Errorf("%w: %q is not a iP-assignment value", ErrUnknownEnum, s)
}

// valid reports whether v is a value of iP-assignment.
func (v IPAssignment) valid() bool {
	switch v {
	case IPStatic, IPDynamic, IPNotKnown:
		return true
	}
	return false
}

// sinceEmail is the first EmailPDU version whose iP-assignment has v (see version_table.go).
func (v IPAssignment) sinceEmail() uint32 {
	switch v {
	case IPStatic, IPDynamic, IPNotKnown:
		return EmailVersionSeed
	}
	return EmailVersionLatest
}
