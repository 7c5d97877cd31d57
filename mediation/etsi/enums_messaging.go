package etsi

// MessagingSystemType is Messaging-System-Type.
type MessagingSystemType int

// MessagingSystemType values.
const (
	SystemUnifiedMessaging MessagingSystemType = 1
)

// MessagingEvent is Messaging-Event (category message).
type MessagingEvent int

// MessagingEvent values.
const (
	EventDeposit  MessagingEvent = 1
	EventRetrieve MessagingEvent = 2
	EventDelete   MessagingEvent = 3
	EventSave     MessagingEvent = 4
	EventSlamdown MessagingEvent = 5
	EventCalendar MessagingEvent = 6
	EventContact  MessagingEvent = 7
)

// MessagingBoxEvent is Messaging-Box-Event (category message-box).
type MessagingBoxEvent int

// MessagingBoxEvent values.
const (
	BoxUnknown                     MessagingBoxEvent = 0
	BoxLogin                       MessagingBoxEvent = 1
	BoxLogout                      MessagingBoxEvent = 2
	BoxLock                        MessagingBoxEvent = 3
	BoxUnlock                      MessagingBoxEvent = 4
	BoxActivate                    MessagingBoxEvent = 5
	BoxDeactivate                  MessagingBoxEvent = 6
	BoxDelete                      MessagingBoxEvent = 7
	BoxPinChange                   MessagingBoxEvent = 8
	BoxGreetingRecord              MessagingBoxEvent = 9
	BoxGreetingChange              MessagingBoxEvent = 10
	BoxGreetingDelete              MessagingBoxEvent = 11
	BoxGreetingEnable              MessagingBoxEvent = 12
	BoxGreetingDisable             MessagingBoxEvent = 13
	BoxNotificationEnable          MessagingBoxEvent = 14
	BoxNotificationDisable         MessagingBoxEvent = 15
	BoxDisconnect                  MessagingBoxEvent = 16
	BoxConnect                     MessagingBoxEvent = 17
	BoxGreetingPlay                MessagingBoxEvent = 18
	BoxLanguageChange              MessagingBoxEvent = 19
	BoxPinSecurityEnable           MessagingBoxEvent = 20
	BoxPinSecurityDisable          MessagingBoxEvent = 21
	BoxPersonalOperatorAdd         MessagingBoxEvent = 22
	BoxPersonalOperatorChange      MessagingBoxEvent = 23
	BoxPersonalOperatorRemove      MessagingBoxEvent = 24
	BoxAdditionalDestinationAdd    MessagingBoxEvent = 25
	BoxAdditionalDestinationChange MessagingBoxEvent = 26
	BoxAdditionalDestinationRemove MessagingBoxEvent = 27
	BoxAutoPlayEnable              MessagingBoxEvent = 28
	BoxAutoPlayDisable             MessagingBoxEvent = 29
	BoxHeaderPlayEnable            MessagingBoxEvent = 30
	BoxHeaderPlayDisable           MessagingBoxEvent = 31
)

// MessagingNotificationEvent is Messaging-Notification-Event.
type MessagingNotificationEvent int

// MessagingNotificationEvent values.
const (
	NotificationSMS            MessagingNotificationEvent = 1
	NotificationSMSDeposit     MessagingNotificationEvent = 2
	NotificationSMSSlamdown    MessagingNotificationEvent = 3
	NotificationSMSPinReminder MessagingNotificationEvent = 4
	NotificationEmail          MessagingNotificationEvent = 5
	NotificationFaxToEmail     MessagingNotificationEvent = 6
	NotificationMMS            MessagingNotificationEvent = 7
	NotificationGeneric        MessagingNotificationEvent = 8
)

// MessagingCallEvent is Messaging-Call-Event.
type MessagingCallEvent int

// MessagingCallEvent values.
const (
	CallCallout MessagingCallEvent = 1
)

// MessagingStatus is Messaging-Status.
type MessagingStatus int

// MessagingStatus values.
const (
	StatusUnknown            MessagingStatus = 0
	StatusNotApplicable      MessagingStatus = 1
	StatusOperationFailed    MessagingStatus = 2
	StatusOperationSucceeded MessagingStatus = 3
	StatusOperationCancelled MessagingStatus = 4
	StatusOperationStarted   MessagingStatus = 5
	StatusOperationLost      MessagingStatus = 6
)

// MessagingPartyQualifier is Messaging-Party-Qualifier.
type MessagingPartyQualifier int

// MessagingPartyQualifier values.
const (
	PartyUnknown     MessagingPartyQualifier = 0
	PartyOriginating MessagingPartyQualifier = 1
	PartyTerminating MessagingPartyQualifier = 2
	PartyAssociated  MessagingPartyQualifier = 3
)

// MessagingPartyValidity is Messaging-Party-Validity.
type MessagingPartyValidity int

// MessagingPartyValidity values.
const (
	ValidityUnknown   MessagingPartyValidity = 0
	ValidityTrusted   MessagingPartyValidity = 1
	ValidityUntrusted MessagingPartyValidity = 2
)

// MessagingCopyQualifier is Messaging-Copy-Qualifier.
type MessagingCopyQualifier int

// MessagingCopyQualifier values.
const (
	CopyUnknown MessagingCopyQualifier = 0
	CopyNone    MessagingCopyQualifier = 1
	CopyCC      MessagingCopyQualifier = 2
	CopyBCC     MessagingCopyQualifier = 3
)

// MessagingTrigger is Messaging-Trigger.
type MessagingTrigger int

// MessagingTrigger values.
const (
	TriggerUnknown        MessagingTrigger = 0
	TriggerUser           MessagingTrigger = 1
	TriggerUserAgent      MessagingTrigger = 2
	TriggerSystem         MessagingTrigger = 3
	TriggerSystemOperator MessagingTrigger = 4
)

// MessagingPriority is Messaging-Property-Priority.
type MessagingPriority int

// MessagingPriority values.
const (
	PriorityLow     MessagingPriority = 1
	PriorityMedium  MessagingPriority = 2
	PriorityHigh    MessagingPriority = 3
	PriorityPrivate MessagingPriority = 4
)

// MessagingGreetingType is Messaging-Property-Greeting-Type.
type MessagingGreetingType int

// MessagingGreetingType values.
const (
	GreetingGeneral  MessagingGreetingType = 1
	GreetingName     MessagingGreetingType = 2
	GreetingPersonal MessagingGreetingType = 3
	GreetingAbsence  MessagingGreetingType = 4
	GreetingNumber   MessagingGreetingType = 5
)

// MessagingNotificationType is Messaging-Property-Notification-Type.
type MessagingNotificationType int

// MessagingNotificationType values.
const (
	NotifyEmptyCall           MessagingNotificationType = 1
	NotifyLostCall            MessagingNotificationType = 2
	NotifyMessageToEmail      MessagingNotificationType = 3
	NotifyReadReport          MessagingNotificationType = 4
	NotifyDeliveryReport      MessagingNotificationType = 5
	NotifyAllowDeliveryReport MessagingNotificationType = 6
	NotifyDenyDeliveryReport  MessagingNotificationType = 7
	NotifyMessageWaiting      MessagingNotificationType = 8
	NotifyVoiceToText         MessagingNotificationType = 9
	NotifyNewMessageSMS       MessagingNotificationType = 10
	NotifyNewMessageOutcall   MessagingNotificationType = 11
	NotifyNewMessageReminder  MessagingNotificationType = 12
)

// MessagingMessageStatus is Messaging-Property-Message-Status.
type MessagingMessageStatus int

// MessagingMessageStatus values.
const (
	MessageIndeterminate           MessagingMessageStatus = 0
	MessageExpired                 MessagingMessageStatus = 1
	MessageRetrieved               MessagingMessageStatus = 2
	MessageRejected                MessagingMessageStatus = 3
	MessageDeferred                MessagingMessageStatus = 4
	MessageForwarded               MessagingMessageStatus = 5
	MessageUnrecognized            MessagingMessageStatus = 6
	MessageUnreachable             MessagingMessageStatus = 7
	MessageRead                    MessagingMessageStatus = 8
	MessageDeletedWithoutBeingRead MessagingMessageStatus = 9
	MessageDeliveryConditionNotMet MessagingMessageStatus = 10
)

// MessagingRequestedReports is Messaging-Property-Requested-Reports.
type MessagingRequestedReports int

// MessagingRequestedReports values.
const (
	ReportsNone            MessagingRequestedReports = 0
	ReportsDelivery        MessagingRequestedReports = 1
	ReportsRead            MessagingRequestedReports = 2
	ReportsDeliveryAndRead MessagingRequestedReports = 3
)
