package etsi

import "time"

// OID is an OBJECT IDENTIFIER or RELATIVE-OID as its arcs.
type OID []uint32

// PSPDU is the TS 102 232-1 PS-PDU: one unit on HI2 or HI3.
type PSPDU struct {
	Header  PSHeader
	Payload Payload
}

// PSHeader is the TS 102 232-1 PSHeader.
type PSHeader struct {
	// DomainID is li-psDomainId. Left nil, the encoder writes {0 4 0 2 2 5 1 Version.Header}.
	DomainID OID
	// LIID is lawfulInterceptionIdentifier, OCTET STRING (SIZE (1..25)).
	LIID string
	// AuthorizationCountryCode is an ISO 3166-1 alpha-2 code; "" means absent.
	AuthorizationCountryCode string
	CommunicationIdentifier  CommunicationIdentifier
	SequenceNumber           uint32
	// TimeStamp is the GeneralizedTime timeStamp; nil means absent.
	TimeStamp *time.Time
	// InterceptionPointID is PrintableString (SIZE (1..8)); "" means absent.
	InterceptionPointID  string
	MicroSecondTimeStamp *MicroSecondTimeStamp
	TimeStampQualifier   *TimeStampQualifier
}

// CommunicationIdentifier names the communication session: network element plus CIN.
type CommunicationIdentifier struct {
	NetworkIdentifier NetworkIdentifier
	// CIN is communicationIdentityNumber; nil means absent.
	CIN                 *uint32
	DeliveryCountryCode string
}

// NetworkIdentifier identifies the operator and the network element that intercepted.
type NetworkIdentifier struct {
	// OperatorIdentifier is OCTET STRING (SIZE (1..16)).
	OperatorIdentifier string
	// NetworkElementIdentifier is OCTET STRING (SIZE (1..16)); "" means absent.
	NetworkElementIdentifier string
}

// MicroSecondTimeStamp is seconds since the Unix epoch plus microseconds.
type MicroSecondTimeStamp struct {
	Seconds      uint64
	MicroSeconds uint32
}

// Payload is the PS-PDU payload CHOICE: exactly one field is set.
type Payload struct {
	IRI []IRIPayload // iRIPayloadSequence
	CC  []CCPayload  // cCPayloadSequence
	TRI *TRIPayload  // tRIPayload
}

// IRIPayload is one IRI record.
type IRIPayload struct {
	IRIType              *IRIType
	TimeStamp            *time.Time
	Contents             IRIContents
	MicroSecondTimeStamp *MicroSecondTimeStamp
	TimeStampQualifier   *TimeStampQualifier
	SessionDirection     *PayloadDirection
	PayloadDirection     *PayloadDirection
}

// IRIContents is the IRIContents CHOICE restricted to TS 102 232-2: exactly one is set.
type IRIContents struct {
	EmailIRI     *EmailIRI
	MessagingIRI *MessagingIRI
}

// CCPayload is one CC record.
type CCPayload struct {
	PayloadDirection     *PayloadDirection
	TimeStamp            *time.Time
	Contents             CCContents
	MicroSecondTimeStamp *MicroSecondTimeStamp
	TimeStampQualifier   *TimeStampQualifier
}

// CCContents is the CCContents CHOICE restricted to TS 102 232-2: exactly one is set.
type CCContents struct {
	EmailCC     *EmailCC
	MessagingCC *MessagingCC
}

// TRIPayload is the TRIPayload CHOICE (all alternatives are NULL except paddingPDU).
type TRIPayload struct {
	Kind TRIKind
	// Padding is the paddingPDU content when Kind is TRIPadding.
	Padding []byte
}

// IPAddress is the TS 102 232-1 IPAddress.
type IPAddress struct {
	Type IPType
	// Binary is iPBinaryAddress (4 or 16 octets); when nil, Text (iPTextAddress) is used.
	Binary         []byte
	Text           string
	Assignment     *IPAssignment
	V6PrefixLength *uint8
	V4SubnetMask   []byte
	NATTranslated  *bool
}
