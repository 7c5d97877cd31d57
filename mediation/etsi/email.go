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
