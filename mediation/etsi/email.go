package etsi

// EmailCC is one piece of captured e-mail content.
type EmailCC struct {
	// ObjID is emailCCObjId; left nil the encoder writes {5 2 Version.Email 2}.
	ObjID   OID
	Format  EmailFormat
	Content []byte
}

// EmailIRI is one piece of e-mail IRI (TS 102 232-2 clause 6 and Annex A-C).
type EmailIRI struct {
	// ObjID is emailIRIObjId; left nil the encoder writes {5 2 Version.Email 1}.
	ObjID            OID
	EventType        EmailEvent
	ClientAddress    *IPAddress
	ServerAddress    *IPAddress
	ClientPort       *int64
	ServerPort       *int64
	ServerOctetsSent int64
	ClientOctetsSent int64
	ProtocolID       EmailProtocol
	// Sender is e-mail-Sender; nil means absent (an empty sender, "<>", is a present "").
	Sender              *string
	Recipients          []string // e-mail-Recipients; nil means absent
	Status              EmailStatus
	TotalRecipientCount *uint32
	MessageID           []byte
	NationalParameter   []byte
	// NationalASN1 is national-EM-ASN1parameters; only countryCode is modelled.
	NationalASN1   *NationalEMASN1Parameters
	AAAInformation *AAAInformation
	SenderValidity *EmailSenderValidity
}

// NationalEMASN1Parameters is national-EM-ASN1parameters.
type NationalEMASN1Parameters struct {
	CountryCode string
}

// AAAInformation is the AAAInformation CHOICE: exactly one is set.
type AAAInformation struct {
	POP3  *POP3AAAInformation
	ASMTP *ASMTPAAAInformation
	IMAP  *IMAPAAAInformation
}

// POP3AAAInformation carries a POP3 login.
type POP3AAAInformation struct {
	Username string
	Password *string
	Result   *AAAResult
}

// ASMTPAAAInformation carries an SMTP AUTH exchange.
type ASMTPAAAInformation struct {
	Username   string
	AuthMethod *AAAAuthMethod
	Challenge  []byte
	Response   []byte
	Result     *AAAResult
}

// IMAPAAAInformation carries an IMAP login.
type IMAPAAAInformation struct {
	Username string
	Password *string
	Result   *AAAResult
}

// EmailFormat is Email-Format.
type EmailFormat int

// EmailFormat values.
const (
	EmailFormatIPPacket    EmailFormat = 1
	EmailFormatApplication EmailFormat = 2
)

// EmailEvent is E-mail-Event.
type EmailEvent int

// EmailEvent values.
const (
	EmailSend            EmailEvent = 1
	EmailReceive         EmailEvent = 2
	EmailDownload        EmailEvent = 3
	EmailLogonAttempt    EmailEvent = 4
	EmailLogon           EmailEvent = 5
	EmailLogonFailure    EmailEvent = 6
	EmailLogoff          EmailEvent = 7
	EmailPartialDownload EmailEvent = 8
	EmailUpload          EmailEvent = 9
)

// EmailProtocol is E-mail-Protocol.
type EmailProtocol int

// EmailProtocol values.
const (
	ProtocolSMTP      EmailProtocol = 1
	ProtocolPOP3      EmailProtocol = 2
	ProtocolIMAP4     EmailProtocol = 3
	ProtocolWebmail   EmailProtocol = 4
	ProtocolUndefined EmailProtocol = 255
)

// EmailStatus is E-mail-Status.
type EmailStatus int

// EmailStatus values.
const (
	EmailStatusUnknown   EmailStatus = 1
	EmailStatusFailed    EmailStatus = 2
	EmailStatusSucceeded EmailStatus = 3
)

// EmailSenderValidity is e-mail-Sender-Validity.
type EmailSenderValidity int

// EmailSenderValidity values.
const (
	SenderValidated    EmailSenderValidity = 0
	SenderNonValidated EmailSenderValidity = 1
)

// AAAResult is AAAResult.
type AAAResult int

// AAAResult values.
const (
	AAAResultUnknown AAAResult = 1
	AAAFailed        AAAResult = 2
	AAASucceeded     AAAResult = 3
)

// AAAAuthMethod is AAAauthMethod.
type AAAAuthMethod int

// AAAAuthMethod values.
const (
	AuthMethodUndefined AAAAuthMethod = 1
	AuthMethodCRAMMD5   AAAAuthMethod = 2
	AuthMethodDigestMD5 AAAAuthMethod = 3
)
