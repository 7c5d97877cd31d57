package etsi

import "time"

// MessagingIRI is the TS 102 232-2 clause 8 unified-messaging IRI.
type MessagingIRI struct {
	// ObjID is messaging-iri-obj-id; left nil the encoder writes {5 2 Version.Email 3}.
	ObjID            OID
	SystemType       MessagingSystemType
	SystemIdentifier []byte
	Category         *MessagingEventCategory
	Status           MessagingStatus
	// PartyInformation is the SET OF Messaging-Party-Information; nil means absent.
	PartyInformation []MessagingPartyInformation
	Trigger          MessagingTrigger
	// Properties is the SEQUENCE OF Messaging-Property; nil means absent.
	Properties []MessagingProperty
	// EventIdentifier links this IRI to MessagingCC within the same CIN.
	EventIdentifier     *uint32
	OriginalMessage     []byte
	BoxIdentifier       []byte
	TotalRecipientCount *uint32
}

// MessagingEventCategory is the Messaging-Event-Category CHOICE: exactly one is set.
type MessagingEventCategory struct {
	Message      *MessagingEvent
	MessageBox   *MessagingBoxEvent
	Notification *MessagingNotificationEvent
	Call         *MessagingCallEvent
}

// MessagingPartyInformation is one party of a messaging event.
type MessagingPartyInformation struct {
	Qualifier     MessagingPartyQualifier
	Identity      MessagingPartyIdentity
	Validity      *MessagingPartyValidity
	CopyQualifier *MessagingCopyQualifier
}

// MessagingPartyIdentity is the Messaging-Party-Identity CHOICE: exactly one is set.
//
// MSISDN and E164 hold the digits as text ("4917012345678"); the codec writes msisdn as a
// MAP AddressString (3GPP TS 29.002 17.7.8: a type-of-number/numbering-plan octet, 0x91 for
// international ISDN, then TBCD digits with an F filler) and e164-format as the ISUP calling
// party number parameter part of EN 300 356 (see e164.go; E164 may start with '+', which is
// dropped).
type MessagingPartyIdentity struct {
	MSISDN           string
	E164             string
	EmailAddresses   []string
	IPAddress        *IPAddress
	Alphanumeric     string
	IPAddressAndPort *IPAddressAndPort
	IMSI             string // digits, TBCD-encoded on the wire
	IMEI             string // digits, TBCD-encoded on the wire
	FaxURL           string
	TelURL           string
	ModemURL         string
	SIPURI           string
	SIPSURI          string
	NAI              string
}

// IPAddressAndPort is IP-Address-And-Port.
type IPAddressAndPort struct {
	Address IPAddress
	Port    int64
}

// MessagingProperty is the Messaging-Property CHOICE: exactly one is set.
type MessagingProperty struct {
	Pincode           []byte
	Priority          *MessagingPriority
	GreetingType      *MessagingGreetingType
	NotificationType  *MessagingNotificationType
	Language          string
	MessageIdentifier []byte
	Subject           *string
	UserAgent         *string
	Password          []byte
	MessageStatus     *MessagingMessageStatus
	RequestedReports  *MessagingRequestedReports
	Expires           *time.Time
	MessageDate       *time.Time
}

// MessagingCC is captured unified-messaging content (Table 5), linked to its IRI by
// event-identifier within the CIN.
type MessagingCC struct {
	// ObjID is messaging-cc-obj-id; left nil the encoder writes {5 2 Version.Email 4}.
	ObjID                   OID
	EventIdentifier         uint32
	ContentIdentifier       *uint32
	SequenceNumber          *uint32
	EndOfSequence           bool
	ContentType             string
	Content                 []byte
	ContentTransferEncoding string
}
