package etsi

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// The ASN.1 constraints both the encoder and the decoder enforce, so that whatever decodes
// also re-encodes (and a LEMF never sees something the schema forbids from us).

func sizeIn(what string, n, lo, hi int) error {
	if n < lo || n > hi {
		return fmt.Errorf("%w: %s length %d not in %d..%d", ErrConstraint, what, n, lo, hi)
	}
	return nil
}

// printable checks the PrintableString character set (X.680 41.4).
func printable(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == ' ', c == '\'', c == '(', c == ')', c == '+', c == ',', c == '-', c == '.', c == '/', c == ':', c == '=', c == '?':
		default:
			return fmt.Errorf("%w: %q is not a PrintableString", ErrConstraint, s)
		}
	}
	return nil
}

func ia5(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return fmt.Errorf("%w: %q is not an IA5String", ErrConstraint, s)
		}
	}
	return nil
}

func validUTF8(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not valid UTF-8", ErrConstraint)
	}
	return nil
}

// countryCode checks the three country codes umli models (authorizationCountryCode,
// deliveryCountryCode, national-EM-ASN1parameters countryCode); the constants below stop
// compiling if a module version gives them different sizes.
func countryCode(s string) error {
	if err := sizeIn("country code", len(s), SizePSHeaderAuthorizationCountryCodeMin, SizePSHeaderAuthorizationCountryCodeMax); err != nil {
		return err
	}
	return countryLetters(s)
}

// digitsOnly checks a decimal digit string.
func digitsOnly(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("%w: %s must be decimal digits", ErrConstraint, what)
		}
	}
	return nil
}

// The module gives POP3, IMAP and ASMTP username and password one SIZE (0..64); username()
// uses it for all five, and these constants stop compiling if a module version splits them.
const (
	aaaSizeMin = SizePOP3AAAInformationUsernameMin
	aaaSizeMax = SizePOP3AAAInformationUsernameMax
	_          = uint(aaaSizeMax-SizePOP3AAAInformationPasswordMax) + uint(SizePOP3AAAInformationPasswordMax-aaaSizeMax)
	_          = uint(aaaSizeMax-SizeIMAPAAAInformationUsernameMax) + uint(SizeIMAPAAAInformationUsernameMax-aaaSizeMax)
	_          = uint(aaaSizeMax-SizeIMAPAAAInformationPasswordMax) + uint(SizeIMAPAAAInformationPasswordMax-aaaSizeMax)
	_          = uint(aaaSizeMax-SizeASMTPAAAInformationUsernameMax) + uint(SizeASMTPAAAInformationUsernameMax-aaaSizeMax)
	_          = uint(aaaSizeMin-SizePOP3AAAInformationPasswordMin) + uint(SizePOP3AAAInformationPasswordMin-aaaSizeMin)
	_          = uint(aaaSizeMin-SizeIMAPAAAInformationUsernameMin) + uint(SizeIMAPAAAInformationUsernameMin-aaaSizeMin)
	_          = uint(aaaSizeMin-SizeIMAPAAAInformationPasswordMin) + uint(SizeIMAPAAAInformationPasswordMin-aaaSizeMin)
	_          = uint(aaaSizeMin-SizeASMTPAAAInformationUsernameMin) + uint(SizeASMTPAAAInformationUsernameMin-aaaSizeMin)
)

// senderCheck checks e-mail-Sender: UTF8String (SIZE (0..255)).
func senderCheck(s string) error {
	if err := sizeIn("e-mail-Sender", len(s), SizeEmailIRIEMailSenderMin, SizeEmailIRIEMailSenderMax); err != nil {
		return err
	}
	return validUTF8(s)
}

// Digit counts of the TBCD identities, from the octet SIZEs: msisdn is a MAP AddressString
// (one nature octet, then two digits per octet); imsi and imei are TBCD-STRINGs (an odd count
// ends in a filler). An IMSI has at most 15 digits (3GPP TS 23.003 clause 2.2, which the
// imsi comment cites); an imei is an IMEI (15 digits) or IMEISV (16).
const (
	MSISDNDigitsMin = 1
	MSISDNDigitsMax = 2 * (SizeMessagingPartyIdentityMsisdnMax - 1)
	IMSIDigitsMin   = 2*SizeMessagingPartyIdentityImsiMin - 1
	IMSIDigitsMax   = 15
	IMEIDigitsMin   = 2*SizeMessagingPartyIdentityImeiMin - 1
	IMEIDigitsMax   = 2 * SizeMessagingPartyIdentityImeiMax
)

// Every INTEGER (0..4294967295) umli models is a uint32 in the model, so the Go type is the
// range check; these stop compiling if a module version changes one of the ranges.
const (
	_ = uint64(math.MaxUint32-RangePSHeaderSequenceNumberMax) + uint64(RangePSHeaderSequenceNumberMax-math.MaxUint32) + RangePSHeaderSequenceNumberMin
	_ = uint64(math.MaxUint32-RangeCommunicationIdentifierCommunicationIdentityNumberMax) + uint64(RangeCommunicationIdentifierCommunicationIdentityNumberMax-math.MaxUint32) + RangeCommunicationIdentifierCommunicationIdentityNumberMin
	_ = uint64(math.MaxUint32-RangeEmailIRITotalRecipientCountMax) + uint64(RangeEmailIRITotalRecipientCountMax-math.MaxUint32) + RangeEmailIRITotalRecipientCountMin
	_ = uint64(math.MaxUint32-RangeMessagingIRIEventIdentifierMax) + uint64(RangeMessagingIRIEventIdentifierMax-math.MaxUint32) + RangeMessagingIRIEventIdentifierMin
	_ = uint64(math.MaxUint32-RangeMessagingIRITotalRecipientCountMax) + uint64(RangeMessagingIRITotalRecipientCountMax-math.MaxUint32) + RangeMessagingIRITotalRecipientCountMin
	_ = uint64(math.MaxUint32-RangeMessagingCCEventIdentifierMax) + uint64(RangeMessagingCCEventIdentifierMax-math.MaxUint32) + RangeMessagingCCEventIdentifierMin
	_ = uint64(math.MaxUint32-RangeMessagingCCContentIdentifierMax) + uint64(RangeMessagingCCContentIdentifierMax-math.MaxUint32) + RangeMessagingCCContentIdentifierMin
	_ = uint64(math.MaxUint32-RangeMessagingCCSequenceNumberMax) + uint64(RangeMessagingCCSequenceNumberMax-math.MaxUint32) + RangeMessagingCCSequenceNumberMin
	_ = uint64(math.MaxUint64-RangeMicroSecondTimeStampSecondsMax) + RangeMicroSecondTimeStampSecondsMin // seconds is a uint64
)

const (
	_ = uint(SizePSHeaderAuthorizationCountryCodeMax-SizeCommunicationIdentifierDeliveryCountryCodeMax) + uint(SizeCommunicationIdentifierDeliveryCountryCodeMax-SizePSHeaderAuthorizationCountryCodeMax)
	_ = uint(SizePSHeaderAuthorizationCountryCodeMax-SizeNationalEMASN1parametersCountryCodeMax) + uint(SizeNationalEMASN1parametersCountryCodeMax-SizePSHeaderAuthorizationCountryCodeMax)
	_ = uint(SizePSHeaderAuthorizationCountryCodeMin-SizeCommunicationIdentifierDeliveryCountryCodeMin) + uint(SizeCommunicationIdentifierDeliveryCountryCodeMin-SizePSHeaderAuthorizationCountryCodeMin)
	_ = uint(SizePSHeaderAuthorizationCountryCodeMin-SizeNationalEMASN1parametersCountryCodeMin) + uint(SizeNationalEMASN1parametersCountryCodeMin-SizePSHeaderAuthorizationCountryCodeMin)
)
