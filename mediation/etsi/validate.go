package etsi

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/umli/umli/mediation/etsi/ber"
)

// Violation is one constraint violation: the byte offset of the offending element's
// identifier octet (or of the offending content octet), its ASN.1 path and what is wrong.
type Violation struct {
	Offset int
	Path   string
	Reason string
}

// String renders the violation on one line, without content.
func (v Violation) String() string {
	return fmt.Sprintf("offset %d %s: %s", v.Offset, v.Path, v.Reason)
}

// ErrNotBER: the input does not start with a complete BER element.
var ErrNotBER = errors.New("etsi: validate: not a complete BER element")

// Validate is the strict check a demanding LEA decoder makes of one received PS-PDU: it
// walks the BER against the LI-PS-PDU version43 / EmailPDU version20 schema and reports
// every constraint violation it finds, not only the first: SIZE and range constraints,
// character sets (UTF-8 validity, PrintableString, IA5String), enumeration values known and
// present in the EmailPDU version the payload's relative OID declares, fields and
// alternatives that version has, mandatory fields present, CHOICE alternatives known,
// SEQUENCE order, minimal INTEGER encoding, relative-OID version consistency across the PDU,
// and the layouts of msisdn (MAP AddressString), imsi/imei (TBCD) and e164-format (ISUP
// calling party number).
//
// It is independent of DecodePSPDU (which stops at the first error and is lenient where the
// model allows) and never returns content, only paths and offsets.
//
// DEFAULT values encoded explicitly (end-of-sequence FALSE) are not violations: X.690
// forbids encoding a DEFAULT value only for CER/DER (clause 11.5); in BER it is the
// sender's option, so a decoder that rejects it rejects valid BER.
//
// The error is non-nil only when b does not start with a complete BER element; whatever
// cannot be parsed inside the PDU is a violation at its offset, and the walk goes on after
// the element that contains it.
//
// Validate checks the first PS-PDU in b and returns its violations and the number of bytes
// it occupied.
func Validate(b []byte) ([]Violation, int, error) {
	r := ber.NewReader(b, 0, ber.DefaultMaxDepth)
	e, err := r.Next()
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrNotBER, err)
	}
	n := r.Offset()
	v := &validator{}
	if e.Tag != ber.Sequence() {
		v.add(e.Offset, "PS-PDU", "is %s, want a UNIVERSAL SEQUENCE", e.Tag)
		return v.out, n, nil
	}
	v.node(&e, "", vsPSPDU)
	return v.out, n, nil
}

// validator carries the walk's state: the violations and the versions the PDU declares.
type validator struct {
	out []Violation
	// email is the EmailPDU version of the payload being walked (0 until its obj id).
	email uint32
	// pduEmail is the first relative-OID version seen: the others must agree.
	pduEmail   uint32
	pduEmailAt string
}

func (v *validator) add(off int, path, format string, args ...any) {
	if path == "" {
		path = "PS-PDU" // the PDU's own SEQUENCE
	}
	v.out = append(v.out, Violation{Offset: off, Path: path, Reason: fmt.Sprintf(format, args...)})
}

type vkind uint8

const (
	vSeq vkind = iota
	vChoice
	vSeqOf
	vOctets
	vUTF8
	vPrintable
	vIA5
	vInt
	vEnum
	vBool
	vNull
	vOID
	vRelOID
	vTime
)

// vschema is one ASN.1 type as the validator needs it.
type vschema struct {
	kind vkind
	// min, max: SIZE for strings and SEQUENCE OF, range for INTEGER; max < 0: none.
	min, max int64
	// fields of a SEQUENCE (in tag order) or alternatives of a CHOICE.
	fields []vfield
	// extensible: the type has an extension marker, so unknown SEQUENCE fields after
	// the root are accepted (a newer version may have them). An unknown CHOICE
	// alternative is always a violation: the receiver cannot tell what it carries.
	extensible bool
	// elem is the SEQUENCE OF / SET OF element type; elemTag its tag (universal for
	// untagged elements; a CHOICE element has none: zero Tag).
	elem    *vschema
	elemTag ber.Tag
	// enum checks an ENUMERATED value; email marks EmailPDU enumerations, whose
	// values are checked against the payload's declared version.
	enum  func(int64) (known bool, since uint32)
	email bool
	// content is an extra check of a string's content octets (layouts of TBCD, ISUP…);
	// it returns the offending octet index and the reason.
	content func(b []byte) (int, string, bool)
	// objKind is the last arc a payload's relative OID must have (0: not an obj id).
	objKind uint32
	// domainID marks li-psDomainId.
	domainID bool
	// post checks a SEQUENCE across its fields (kids by field index, nil when absent)
	// after each field was checked on its own.
	post func(v *validator, path string, kids []*ber.Element)
}

type vfield struct {
	name     string
	tag      uint32 // context-specific tag number
	s        *vschema
	optional bool
	// since is the EmailPDU version that introduced the field or alternative (0: always).
	since uint32
}

func vrng(lo, hi int64) *vschema         { return &vschema{kind: vInt, min: lo, max: hi} }
func vsz(k vkind, lo, hi int64) *vschema { return &vschema{kind: k, min: lo, max: hi} }

var vUnbounded = &vschema{kind: vInt, max: -1, min: minInt64}

const minInt64 = -1 << 63

func voctets() *vschema { return &vschema{kind: vOctets, max: -1} }

func venumOf[T interface {
	~int
	valid() bool
	sinceEmail() uint32
}](email bool) *vschema {
	return &vschema{kind: vEnum, email: email, enum: func(x int64) (bool, uint32) {
		t := T(x)
		if int64(t) != x || !t.valid() {
			return false, 0
		}
		return true, t.sinceEmail()
	}}
}

func vseq(ext bool, f ...vfield) *vschema { return &vschema{kind: vSeq, fields: f, extensible: ext} }
func vchoice(ext bool, f ...vfield) *vschema {
	return &vschema{kind: vChoice, fields: f, extensible: ext}
}
func vfld(name string, tag uint32, s *vschema) vfield {
	return vfield{name: name, tag: tag, s: s}
}
func vopt(name string, tag uint32, s *vschema) vfield {
	return vfield{name: name, tag: tag, s: s, optional: true}
}
func vsince20(f vfield) vfield { f.since = EmailVersionLatest; return f }

// The schema: the types umli emits, from shared/asn1 (LI-PS-PDU version43, EmailPDU
// version20). Bounds come from the generated constants; fields marked since20 are the
// version20 additions listed in version_table.go.
var vsPSPDU = buildValidationSchema()

func buildValidationSchema() *vschema {
	timeT := &vschema{kind: vTime}
	micro := vseq(true,
		vfld("seconds", 0, vrng(0, -1)), // INTEGER (0..18446744073709551615): non-negative
		vfld("microSeconds", 1, vrng(RangeMicroSecondTimeStampMicroSecondsMin, RangeMicroSecondTimeStampMicroSecondsMax)))
	tsq := venumOf[TimeStampQualifier](false)
	dir := venumOf[PayloadDirection](false)
	ipAddr := vseq(true,
		vfld("iP-type", 1, venumOf[IPType](false)),
		vfld("iP-value", 2, vchoice(true,
			vfld("iPBinaryAddress", 1, vsz(vOctets, SizeIPValueIPBinaryAddressMin, SizeIPValueIPBinaryAddressMax)),
			vfld("iPTextAddress", 2, vsz(vIA5, SizeIPValueIPTextAddressMin, SizeIPValueIPTextAddressMax)))),
		vopt("iP-assignment", 3, venumOf[IPAssignment](false)),
		vopt("iPv6PrefixLength", 4, vrng(RangeIPAddressIPv6PrefixLengthMin, RangeIPAddressIPv6PrefixLengthMax)),
		vopt("iPv4SubnetMask", 5, vsz(vOctets, SizeIPAddressIPv4SubnetMaskMin, SizeIPAddressIPv4SubnetMaskMax)),
		vopt("iP-NAT-translated", 6, &vschema{kind: vBool}))
	ipAddr.post = ipTypeMatchesValue
	u32 := func() *vschema { return vrng(0, 4294967295) }
	addrList := &vschema{kind: vSeqOf, min: CountEMailAddressListMin, max: CountEMailAddressListMax,
		elem: vsz(vUTF8, SizeEMailAddressListItemMin, SizeEMailAddressListItemMax), elemTag: ber.Univ(ber.TagUTF8String)}
	aaaStr := func() *vschema { return vsz(vUTF8, 0, SizeIMAPAAAInformationUsernameMax) }
	aaaResult := venumOf[AAAResult](true)

	emailIRI := vseq(true,
		vfld("emailIRIObjId", 0, &vschema{kind: vRelOID, objKind: objEmailIRI}),
		vfld("eventType", 1, venumOf[EmailEvent](true)),
		vopt("client-Address", 2, ipAddr),
		vopt("server-Address", 3, ipAddr),
		vopt("client-Port", 4, vUnbounded),
		vopt("server-Port", 5, vUnbounded),
		vfld("server-Octets-Sent", 6, vUnbounded),
		vfld("client-Octets-Sent", 7, vUnbounded),
		vfld("protocol-ID", 8, venumOf[EmailProtocol](true)),
		vopt("e-mail-Sender", 9, vsz(vUTF8, SizeEmailIRIEMailSenderMin, SizeEmailIRIEMailSenderMax)),
		vopt("e-mail-Recipients", 10, addrList),
		vfld("status", 11, venumOf[EmailStatus](true)),
		vopt("total-Recipient-Count", 12, u32()),
		vopt("message-ID", 13, voctets()),
		vopt("nationalParameter", 14, voctets()),
		vopt("national-EM-ASN1parameters", 15, vseq(true,
			vfld("countryCode", 1, vsz(vPrintable, SizeNationalEMASN1parametersCountryCodeMin, SizeNationalEMASN1parametersCountryCodeMax)))),
		vopt("aAAInformation", 16, vchoice(true,
			vfld("pOP3AAAInformation", 0, vseq(true, vfld("username", 0, aaaStr()), vopt("password", 1, aaaStr()), vopt("aAAResult", 2, aaaResult))),
			vfld("aSMTPAAAInformation", 1, vseq(true, vfld("username", 0, aaaStr()), vopt("authMethod", 1, venumOf[AAAAuthMethod](true)),
				vopt("challenge", 2, voctets()), vopt("response", 3, voctets()), vopt("aAAResult", 4, aaaResult))),
			vfld("iMAPAAAInformation", 2, vseq(true, vfld("username", 0, aaaStr()), vopt("password", 1, aaaStr()), vopt("aAAResult", 2, aaaResult))))),
		vopt("e-mail-Sender-Validity", 17, venumOf[EmailSenderValidity](true)))

	emailCC := vseq(false,
		vfld("emailCCObjId", 0, &vschema{kind: vRelOID, objKind: objEmailCC}),
		vfld("email-Format", 1, venumOf[EmailFormat](true)),
		vfld("content", 2, voctets()))

	identity := vchoice(true,
		vfld("msisdn", 0, &vschema{kind: vOctets, min: SizeMessagingPartyIdentityMsisdnMin, max: SizeMessagingPartyIdentityMsisdnMax, content: checkAddressString}),
		vfld("e164-format", 1, &vschema{kind: vOctets, min: SizeMessagingPartyIdentityE164FormatMin, max: SizeMessagingPartyIdentityE164FormatMax, content: checkISUPNumber}),
		vfld("email-address", 2, addrList),
		vfld("ip-address", 3, ipAddr),
		vfld("alphanumeric", 4, vsz(vUTF8, 0, -1)),
		vsince20(vfld("ip-address-and-port", 5, vseq(true, vfld("ip-address", 0, ipAddr), vfld("port-number", 1, vrng(0, 65535))))),
		vsince20(vfld("imsi", 6, &vschema{kind: vOctets, min: SizeMessagingPartyIdentityImsiMin, max: SizeMessagingPartyIdentityImsiMax, content: checkTBCD})),
		vsince20(vfld("imei", 7, &vschema{kind: vOctets, min: SizeMessagingPartyIdentityImeiMin, max: SizeMessagingPartyIdentityImeiMax, content: checkTBCD})),
		vsince20(vfld("fax-url", 8, voctets())), vsince20(vfld("tel-url", 9, voctets())), vsince20(vfld("modem-url", 10, voctets())),
		vsince20(vfld("sip-uri", 11, voctets())), vsince20(vfld("sips-uri", 12, voctets())), vsince20(vfld("nai", 13, voctets())))
	party := vseq(true,
		vfld("party-qualifier", 0, venumOf[MessagingPartyQualifier](true)),
		vfld("party-identity", 1, identity),
		vsince20(vopt("party-validity", 2, venumOf[MessagingPartyValidity](true))),
		vsince20(vopt("copy-qualifier", 3, venumOf[MessagingCopyQualifier](true))))
	property := vchoice(true,
		vfld("pincode", 0, vsz(vOctets, SizeMessagingPropertyPincodeMin, SizeMessagingPropertyPincodeMax)),
		vfld("priority", 1, venumOf[MessagingPriority](true)),
		vfld("greeting-type", 2, venumOf[MessagingGreetingType](true)),
		vfld("notification-type", 3, venumOf[MessagingNotificationType](true)),
		vfld("language", 4, voctets()),
		vsince20(vfld("message-identifier", 5, voctets())),
		vsince20(vfld("subject", 6, vsz(vUTF8, 0, -1))),
		vsince20(vfld("user-agent", 7, vsz(vUTF8, 0, -1))),
		vsince20(vfld("password", 8, voctets())),
		vsince20(vfld("message-status", 9, venumOf[MessagingMessageStatus](true))),
		vsince20(vfld("requested-reports", 10, venumOf[MessagingRequestedReports](true))),
		vsince20(vfld("expires", 11, timeT)),
		vsince20(vfld("message-date", 12, timeT)))
	messagingIRI := vseq(true,
		vfld("messaging-iri-obj-id", 0, &vschema{kind: vRelOID, objKind: objMessagingIRI}),
		vfld("system-type", 1, venumOf[MessagingSystemType](true)),
		vopt("system-identifier", 2, voctets()),
		vopt("category", 3, vchoice(true,
			vfld("message", 0, venumOf[MessagingEvent](true)),
			vfld("message-box", 1, venumOf[MessagingBoxEvent](true)),
			vfld("message-notification", 2, venumOf[MessagingNotificationEvent](true)),
			vfld("call", 3, venumOf[MessagingCallEvent](true)))),
		vfld("status", 4, venumOf[MessagingStatus](true)),
		vopt("party-information", 5, &vschema{kind: vSeqOf, max: -1, elem: party, elemTag: ber.Sequence()}),
		vfld("trigger", 6, venumOf[MessagingTrigger](true)),
		vopt("properties", 7, &vschema{kind: vSeqOf, max: -1, elem: property}),
		vopt("event-identifier", 8, u32()),
		vopt("original-message", 9, voctets()),
		vopt("box-identifier", 10, voctets()),
		vsince20(vopt("total-recipient-count", 11, u32())))
	messagingCC := vseq(true,
		vfld("messaging-cc-obj-id", 0, &vschema{kind: vRelOID, objKind: objMessagingCC}),
		vfld("event-identifier", 1, u32()),
		vopt("content-identifier", 2, u32()),
		vopt("sequence-number", 3, u32()),
		vopt("end-of-sequence", 4, &vschema{kind: vBool}),
		vfld("content-type", 5, voctets()),
		vfld("content", 6, voctets()),
		vsince20(vopt("content-transfer-encoding", 7, voctets())))

	iriPayload := vseq(true,
		vopt("iRIType", 0, venumOf[IRIType](false)),
		vopt("timeStamp", 1, timeT),
		vfld("iRIContents", 2, vchoice(true, vfld("emailIRI", 1, emailIRI), vfld("messagingIRI", 14, messagingIRI))),
		vopt("microSecondTimeStamp", 3, micro),
		vopt("timeStampQualifier", 4, tsq),
		vopt("sessionDirection", 5, dir),
		vopt("payloadDirection", 6, dir))
	ccPayload := vseq(true,
		vopt("payloadDirection", 0, dir),
		vopt("timeStamp", 1, timeT),
		vfld("cCContents", 2, vchoice(true, vfld("emailCC", 1, emailCC), vfld("messagingCC", 14, messagingCC))),
		vopt("microSecondTimeStamp", 3, micro),
		vopt("timeStampQualifier", 4, tsq))
	null := &vschema{kind: vNull}
	tri := vchoice(true,
		vfld("testPDU", 1, null), vfld("paddingPDU", 2, voctets()), vfld("keep-alive", 3, null),
		vfld("keep-aliveResponse", 4, null), vfld("firstSegmentFlag", 5, null), vfld("lastSegmentFlag", 6, null),
		vfld("cINReset", 7, null))
	header := vseq(true,
		vfld("li-psDomainId", 0, &vschema{kind: vOID, domainID: true}),
		vfld("lawfulInterceptionIdentifier", 1, vsz(vOctets, SizePSHeaderLawfulInterceptionIdentifierMin, SizePSHeaderLawfulInterceptionIdentifierMax)),
		vopt("authorizationCountryCode", 2, vsz(vPrintable, SizePSHeaderAuthorizationCountryCodeMin, SizePSHeaderAuthorizationCountryCodeMax)),
		vfld("communicationIdentifier", 3, vseq(true,
			vfld("networkIdentifier", 0, vseq(true,
				vfld("operatorIdentifier", 0, vsz(vOctets, SizeNetworkIdentifierOperatorIdentifierMin, SizeNetworkIdentifierOperatorIdentifierMax)),
				vopt("networkElementIdentifier", 1, vsz(vOctets, SizeNetworkIdentifierNetworkElementIdentifierMin, SizeNetworkIdentifierNetworkElementIdentifierMax)))),
			vopt("communicationIdentityNumber", 1, u32()),
			vopt("deliveryCountryCode", 2, vsz(vPrintable, SizeCommunicationIdentifierDeliveryCountryCodeMin, SizeCommunicationIdentifierDeliveryCountryCodeMax)))),
		vfld("sequenceNumber", 4, u32()),
		vopt("timeStamp", 5, timeT),
		vopt("interceptionPointID", 6, vsz(vPrintable, SizePSHeaderInterceptionPointIDMin, SizePSHeaderInterceptionPointIDMax)),
		vopt("microSecondTimeStamp", 7, micro),
		vopt("timeStampQualifier", 8, tsq),
		vopt("extendedInterceptionPointID", 9, vsz(vOctets, 1, 65535)),
		vopt("networkFunctionIdentifier", 10, vsz(vOctets, 1, 65535)))
	return vseq(false,
		vfld("pSHeader", 1, header),
		vfld("payload", 2, vchoice(true,
			vfld("iRIPayloadSequence", 0, &vschema{kind: vSeqOf, max: -1, elem: iriPayload, elemTag: ber.Sequence()}),
			vfld("cCPayloadSequence", 1, &vschema{kind: vSeqOf, max: -1, elem: ccPayload, elemTag: ber.Sequence()}),
			vfld("tRIPayload", 2, tri))))
}

// isConstructed reports whether a type's encoding is constructed. A tagged CHOICE is
// constructed too: IMPLICIT TAGS make a tag on a CHOICE explicit (X.680 31.2.7).
func (s *vschema) isConstructed() bool {
	return s.kind == vSeq || s.kind == vChoice || s.kind == vSeqOf
}

// node checks element e (whose tag the caller matched) as type s.
func (v *validator) node(e *ber.Element, path string, s *vschema) {
	if s.isConstructed() != e.Tag.Constructed && !(e.Tag.Constructed && isStringKind(s.kind)) {
		want := "primitive"
		if s.isConstructed() {
			want = "constructed"
		}
		v.add(e.Offset, path, "must be %s", want)
		return
	}
	switch s.kind {
	case vSeq:
		v.sequence(e, path, s)
	case vChoice:
		r, _ := e.Children()
		c, err := r.Next()
		if err != nil {
			v.add(e.Offset, path, "CHOICE without a decodable alternative: %v", berReason(err))
			return
		}
		v.choice(&c, path, s)
		if !r.Empty() {
			v.add(r.Offset(), path, "more than one CHOICE alternative")
		}
	case vSeqOf:
		v.sequenceOf(e, path, s)
	case vOctets, vUTF8, vPrintable, vIA5, vInt, vEnum, vBool, vNull, vOID, vRelOID, vTime:
		v.primitive(e, path, s)
	}
}

func isStringKind(k vkind) bool {
	return k == vOctets || k == vUTF8 || k == vPrintable || k == vIA5
}

// choice checks alternative c of CHOICE s.
func (v *validator) choice(c *ber.Element, path string, s *vschema) {
	if c.Tag.Class != ber.Context {
		v.add(c.Offset, path, "CHOICE alternative %s is not one of the type's", c.Tag)
		return
	}
	for i := range s.fields {
		f := &s.fields[i]
		if f.tag != c.Tag.Number {
			continue
		}
		p := joinPath(path, f.name)
		v.versionGate(c.Offset, p, f.since, "alternative")
		v.node(c, p, f.s)
		return
	}
	v.add(c.Offset, path, "unknown CHOICE alternative %s", c.Tag)
}

// versionGate reports a field or alternative newer than the payload's declared version.
func (v *validator) versionGate(off int, path string, since uint32, what string) {
	if since != 0 && v.email != 0 && since > v.email {
		v.add(off, path, "%s exists only since EmailPDU version %d; the payload declares version %d", what, since, v.email)
	}
}

func (v *validator) sequence(e *ber.Element, path string, s *vschema) {
	r, _ := e.Children()
	next := 0 // index of the first field that may still come
	seen := make([]bool, len(s.fields))
	var kids []*ber.Element
	if s.post != nil {
		kids = make([]*ber.Element, len(s.fields))
	}
	for !r.Empty() {
		c, err := r.Next()
		if err != nil {
			v.add(r.Offset(), path, "malformed BER: %v", berReason(err))
			break
		}
		idx := -1
		if c.Tag.Class == ber.Context {
			for i := range s.fields {
				if s.fields[i].tag == c.Tag.Number {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			if !s.extensible || c.Tag.Class != ber.Context {
				v.add(c.Offset, path, "unexpected tag %s", c.Tag)
			}
			continue // an extension addition of a newer version: accepted, not checked
		}
		f := &s.fields[idx]
		p := joinPath(path, f.name)
		switch {
		case seen[idx]:
			v.add(c.Offset, p, "repeated")
			continue
		case idx < next:
			v.add(c.Offset, p, "out of order: SEQUENCE fields must follow their tag order")
		}
		seen[idx] = true
		next = idx + 1
		if kids != nil {
			kids[idx] = &c
		}
		v.versionGate(c.Offset, p, f.since, "field")
		v.node(&c, p, f.s)
	}
	for i := range s.fields {
		f := &s.fields[i]
		if seen[i] || f.optional || (f.since != 0 && v.email != 0 && f.since > v.email) {
			continue
		}
		v.add(e.Offset, joinPath(path, f.name), "mandatory field missing")
	}
	if s.post != nil {
		s.post(v, path, kids)
	}
}

// ipTypeMatchesValue: an iPBinaryAddress is 4 octets for iPV4(0) and 16 for iPV6(1), the
// address length of each IP version (the IPAddress comments: RFC 791, RFC 8200).
func ipTypeMatchesValue(v *validator, path string, kids []*ber.Element) {
	typ, val := kids[0], kids[1]
	if typ == nil || val == nil || !val.Tag.Constructed {
		return
	}
	r, _ := val.Children()
	alt, err := r.Next()
	if err != nil || alt.Tag != ber.Ctx(1) || len(typ.Content) != 1 {
		return // reported by the field checks
	}
	want := map[byte]int{0: 4, 1: 16}[typ.Content[0]]
	if want != 0 && len(alt.Content) != want {
		v.add(alt.Offset, joinPath(path, "iP-value.iPBinaryAddress"), "%d octets for iP-type %d, want %d", len(alt.Content), typ.Content[0], want)
	}
}

func (v *validator) sequenceOf(e *ber.Element, path string, s *vschema) {
	r, _ := e.Children()
	n := 0
	for !r.Empty() {
		c, err := r.Next()
		if err != nil {
			v.add(r.Offset(), path, "malformed BER: %v", berReason(err))
			break
		}
		p := path + "[" + strconv.Itoa(n) + "]"
		n++
		if s.elem.kind == vChoice && s.elemTag == (ber.Tag{}) {
			v.choice(&c, p, s.elem) // untagged CHOICE element: the alternative itself
			continue
		}
		if c.Tag != s.elemTag && !(isStringKind(s.elem.kind) && c.Tag.Class == s.elemTag.Class && c.Tag.Number == s.elemTag.Number) {
			v.add(c.Offset, p, "element tag %s, want %s", c.Tag, s.elemTag)
			continue
		}
		v.node(&c, p, s.elem)
	}
	if int64(n) < s.min || (s.max >= 0 && int64(n) > s.max) {
		v.add(e.Offset, path, "%d elements, SIZE (%d..%d)", n, s.min, s.max)
	}
}

func (v *validator) primitive(e *ber.Element, path string, s *vschema) {
	switch s.kind {
	case vInt, vEnum:
		x, ok := v.integer(e, path)
		if !ok {
			return
		}
		if s.kind == vEnum {
			known, since := s.enum(x)
			switch {
			case !known:
				v.add(e.Offset, path, "%d is not a value of the enumeration", x)
			case s.email && v.email != 0 && since > v.email:
				v.add(e.Offset, path, "value %d exists only since EmailPDU version %d; the payload declares version %d", x, since, v.email)
			}
			return
		}
		if x < s.min || (s.max >= 0 && x > s.max) {
			if s.max < 0 {
				v.add(e.Offset, path, "%d below %d", x, s.min)
			} else {
				v.add(e.Offset, path, "%d not in %d..%d", x, s.min, s.max)
			}
		}
	case vBool:
		if len(e.Content) != 1 {
			v.add(e.Offset, path, "BOOLEAN of %d octets, want 1", len(e.Content))
		}
	case vNull:
		if len(e.Content) != 0 {
			v.add(e.Offset, path, "NULL with content")
		}
	case vOID, vRelOID:
		v.oid(e, path, s)
	case vTime:
		if _, err := ber.ParseGeneralizedTime(e.Content); err != nil {
			v.add(e.Offset, path, "not a GeneralizedTime")
		}
	case vOctets, vUTF8, vPrintable, vIA5:
		v.str(e, path, s)
	case vSeq, vChoice, vSeqOf:
		// Constructed: validate walks them, never primitive.
	}
}

// integer reads an INTEGER, reporting a non-minimal or empty encoding (X.690 8.3.2 holds
// for BER too). Values beyond int64 are reported as out of range by the caller's bounds,
// so they are clamped: a positive over-long value as max int64.
func (v *validator) integer(e *ber.Element, path string) (int64, bool) {
	c := e.Content
	if len(c) == 0 {
		v.add(e.Offset, path, "INTEGER with no content octets")
		return 0, false
	}
	if len(c) > 1 && ((c[0] == 0 && c[1]&0x80 == 0) || (c[0] == 0xFF && c[1]&0x80 != 0)) {
		v.add(e.Offset, path, "INTEGER not minimally encoded (X.690 8.3.2)")
	}
	if len(c) > 8 {
		// Only a leading 0x00 before 8 value octets fits an unsigned 64-bit range.
		if len(c) == 9 && c[0] == 0 {
			return 1<<63 - 1, true // above every bound but seconds' (which has none)
		}
		v.add(e.Offset, path, "INTEGER of %d octets is out of every range umli's schema has", len(c))
		return 0, false
	}
	x := int64(int8(c[0])) //nolint:gosec // G115: reinterprets the first octet as signed on purpose (two's complement)
	for _, b := range c[1:] {
		x = x<<8 | int64(b)
	}
	return x, true
}

func (v *validator) oid(e *ber.Element, path string, s *vschema) {
	var arcs []uint32
	var err error
	if s.kind == vOID {
		arcs, err = e.OID()
	} else {
		arcs, err = e.RelativeOID()
	}
	if err != nil {
		v.add(e.Offset, path, "malformed object identifier: %v", berReason(err))
		return
	}
	if s.domainID {
		want := [...]uint32{0, 4, 0, 2, 2, 5, 1}
		if len(arcs) != len(want)+1 || [7]uint32(arcs[:7]) != want {
			v.add(e.Offset, path, "is not {0 4 0 2 2 5 1 version}")
		}
		return
	}
	if len(arcs) != 4 || arcs[0] != 5 || arcs[1] != 2 || arcs[3] != s.objKind {
		v.add(e.Offset, path, "is not {5 2 version %d}", s.objKind)
		v.email = 0
		return
	}
	ver := arcs[2]
	if ver < minEmailVersion || ver > maxEmailVersion {
		v.add(e.Offset, path, "EmailPDU version %d is not one this schema covers (%d..%d)", ver, minEmailVersion, maxEmailVersion)
		v.email = 0
		return
	}
	v.email = ver
	switch {
	case v.pduEmail == 0:
		v.pduEmail, v.pduEmailAt = ver, path
	case v.pduEmail != ver:
		v.add(e.Offset, path, "EmailPDU version %d, but %s declares version %d", ver, v.pduEmailAt, v.pduEmail)
	}
}

func (v *validator) str(e *ber.Element, path string, s *vschema) {
	c := e.Content
	if e.Tag.Constructed {
		b, err := e.Bytes()
		if err != nil {
			v.add(e.Offset, path, "malformed constructed string: %v", berReason(err))
			return
		}
		c = b
	}
	if int64(len(c)) < s.min || (s.max >= 0 && int64(len(c)) > s.max) {
		if s.max < 0 {
			v.add(e.Offset, path, "%d octets, SIZE (%d..MAX)", len(c), s.min)
		} else {
			v.add(e.Offset, path, "%d octets, SIZE (%d..%d)", len(c), s.min, s.max)
		}
	}
	off := e.ContentOffset
	if e.Tag.Constructed {
		off = e.Offset // segment boundaries make a content index meaningless
	}
	switch s.kind {
	case vUTF8:
		for i := 0; i < len(c); {
			r, n := utf8.DecodeRune(c[i:])
			if r == utf8.RuneError && n <= 1 {
				v.add(off+i*vBoolInt(!e.Tag.Constructed), path, "invalid UTF-8 at content octet %d", i)
				break
			}
			i += n
		}
	case vPrintable:
		if i := badPrintable(c); i >= 0 {
			v.add(off+i*vBoolInt(!e.Tag.Constructed), path, "octet %d is not a PrintableString character", i)
		}
	case vIA5:
		for i, b := range c {
			if b >= 0x80 {
				v.add(off+i*vBoolInt(!e.Tag.Constructed), path, "octet %d is not an IA5String character", i)
				break
			}
		}
	case vOctets, vSeq, vChoice, vSeqOf, vInt, vEnum, vBool, vNull, vOID, vRelOID, vTime:
		// No character set to check.
	}
	if s.content != nil && len(c) > 0 {
		if i, why, bad := s.content(c); bad {
			v.add(off+i*vBoolInt(!e.Tag.Constructed), path, "%s", why)
		}
	}
}

func vBoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func badPrintable(c []byte) int {
	for i, b := range c {
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case b == ' ', b == '\'', b == '(', b == ')', b == '+', b == ',', b == '-', b == '.', b == '/', b == ':', b == '=', b == '?':
		default:
			return i
		}
	}
	return -1
}

// checkTBCD: TBCD (3GPP TS 29.002 17.7.8), digits 0-9 in both nibbles, the filler 0xF
// only in the high nibble of the last octet.
func checkTBCD(b []byte) (int, string, bool) {
	for i, o := range b {
		lo, hi := o&0x0F, o>>4
		if lo > 9 {
			return i, "TBCD low nibble is not a digit", true
		}
		if hi > 9 && !(hi == 0xF && i == len(b)-1) {
			return i, "TBCD high nibble is neither a digit nor the filler of the last octet", true
		}
	}
	return 0, "", false
}

// checkAddressString: MAP AddressString (TS 29.002 17.7.8): octet 1 extension bit set,
// nature of address and numbering plan (umli's LEA profile: international, ISDN/E.164),
// then TBCD digits.
func checkAddressString(b []byte) (int, string, bool) {
	if len(b) < 2 {
		return 0, "AddressString needs the nature/plan octet and at least one digit octet", true
	}
	if b[0]&0x80 == 0 {
		return 0, "AddressString octet 1 extension bit not set", true
	}
	if (b[0]>>4)&0x7 != 1 || b[0]&0x0F != 1 {
		return 0, "AddressString nature of address is not international number with ISDN/E.164 plan (0x91)", true
	}
	i, why, bad := checkTBCD(b[1:])
	return i + 1, why, bad
}

// checkISUPNumber: the calling party number parameter part of EN 300 356-1 clause 3.10:
// octet 1 odd/even + nature of address (international, as the ASN.1 comment demands),
// octet 2 number incomplete 0, numbering plan ISDN/E.164 (001), presentation allowed or
// restricted (an address is present), then BCD digits, first in the low nibble, the
// filler 0000 only in the high nibble of the last octet of an odd count.
func checkISUPNumber(b []byte) (int, string, bool) {
	if len(b) < 3 {
		return 0, "ISUP number needs 2 indicator octets and at least one address signal octet", true
	}
	if b[0]&0x7F != 0x04 {
		return 0, "ISUP nature of address indicator is not international number (0000100)", true
	}
	if b[1]&0x80 != 0 {
		return 1, "ISUP number incomplete indicator set", true
	}
	if (b[1]>>4)&0x7 != 1 {
		return 1, "ISUP numbering plan indicator is not ISDN/E.164 (001)", true
	}
	if a := (b[1] >> 2) & 0x3; a > 1 {
		return 1, "ISUP address presentation indicator is 'address not available' or spare, yet digits follow", true
	}
	odd := b[0]&0x80 != 0
	sig := b[2:]
	for i, o := range sig {
		lo, hi := o&0x0F, o>>4
		if lo > 9 {
			return 2 + i, "ISUP address signal is not a digit", true
		}
		last := i == len(sig)-1
		if last && odd {
			if hi != 0 {
				return 2 + i, "ISUP odd indicator set but the last high nibble is not the filler 0000", true
			}
			continue
		}
		if hi > 9 {
			return 2 + i, "ISUP address signal is not a digit (a filler is allowed only in the last high nibble of an odd count)", true
		}
	}
	return 0, "", false
}

// berReason is a ber error without its offset (the violation carries it).
func berReason(err error) string {
	var be *ber.Error
	if errors.As(err, &be) {
		if be.Detail != "" {
			return be.Err.Error() + ": " + be.Detail
		}
		return be.Err.Error()
	}
	return err.Error()
}
