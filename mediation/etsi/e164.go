package etsi

import (
	"fmt"
	"strings"
)

// e164-format (Messaging-Party-Identity [1]): "E.164 address of the node in international
// format. Coded in the same format as the calling party number parameter of the ISUP
// (parameter part: EN 300 356)". The parameter part (EN 300 356-1 clause 3.10) is
//
//	octet 1: bit 8 odd/even indicator (1 = odd number of address signals),
//	         bits 7-1 nature of address indicator (0000100 = international number)
//	octet 2: bit 8 NI, number incomplete indicator (0 = complete),
//	         bits 7-5 numbering plan indicator (001 = ISDN (telephony) E.164),
//	         bits 4-3 address presentation restricted indicator,
//	         bits 2-1 screening indicator
//	octet 3..: address signals, two per octet, the first in bits 4-1; an odd count has
//	         the filler 0000 in bits 8-5 of the last octet.
//
// The model carries only the digits. umli writes presentation allowed (00) and screening
// "network provided" (11): the number is one the platform (the UM system or the mediation)
// asserts, not one a user supplied. On decode, presentation allowed and restricted are
// accepted (the indicator is not kept), screening is not interpreted, and every other
// deviation from the layout above is an error naming e164-format.
const (
	isupOdd                  = 0x80 // octet 1 bit 8
	isupNatureMask           = 0x7F // octet 1 bits 7-1
	isupNatureInternational  = 0x04 // 0000100
	isupIncomplete           = 0x80 // octet 2 bit 8
	isupNPIMask              = 0x70 // octet 2 bits 7-5
	isupNPIISDN              = 0x10 // 001
	isupAPRIMask             = 0x0C // octet 2 bits 4-3
	isupPresentationAllowed  = 0x00 // 00
	isupPresentationRestrict = 0x04 // 01
	isupScreeningNetwork     = 0x03 // bits 2-1 = 11, network provided
	// isupOctet2 is what umli writes: complete, ISDN plan, presentation allowed, network provided.
	isupOctet2 = isupNPIISDN | isupPresentationAllowed | isupScreeningNetwork
	// isupHeader is the number of octets before the address signals.
	isupHeader = 2
)

// E164DigitsMin and E164DigitsMax bound the address signals e164-format can carry:
// OCTET STRING (SIZE (1..25)) less the two ISUP header octets, two digits per octet.
const (
	E164DigitsMin = 1
	E164DigitsMax = 2 * (SizeMessagingPartyIdentityE164FormatMax - isupHeader)
)

// e164Digits returns the digits of an E164 model value: a leading '+' is dropped, anything
// else that is not a decimal digit is a constraint error.
func e164Digits(s string) (string, error) {
	d := strings.TrimPrefix(s, "+")
	if err := digitsOnly("e164-format", d); err != nil {
		return "", err
	}
	if err := sizeIn("e164-format digits", len(d), E164DigitsMin, E164DigitsMax); err != nil {
		return "", err
	}
	return d, nil
}

// e164Len is the length of the ISUP form of digits (checked by e164Digits).
func e164Len(digits string) int { return isupHeader + (len(digits)+1)/2 }

// appendE164 writes the ISUP calling party number parameter part for digits (checked by
// e164Digits).
func appendE164(dst []byte, digits string) []byte {
	o1 := byte(isupNatureInternational)
	if len(digits)%2 == 1 {
		o1 |= isupOdd
	}
	dst = append(dst, o1, isupOctet2)
	for i := 0; i < len(digits); i += 2 {
		b := digits[i] - '0'
		if i+1 < len(digits) {
			b |= (digits[i+1] - '0') << 4
		} // else the filler 0000 stays in bits 8-5
		dst = append(dst, b)
	}
	return dst
}

// parseE164 reads the ISUP form back into digits.
func parseE164(b []byte) (string, error) {
	if len(b) < isupHeader+1 {
		return "", fmt.Errorf("%w: e164-format has %d octets: ISUP needs 2 indicator octets and at least one address signal octet", ErrConstraint, len(b))
	}
	if err := sizeIn("e164-format", len(b), SizeMessagingPartyIdentityE164FormatMin, SizeMessagingPartyIdentityE164FormatMax); err != nil {
		return "", err
	}
	if n := b[0] & isupNatureMask; n != isupNatureInternational {
		return "", fmt.Errorf("%w: e164-format nature of address indicator %07b is not international number (0000100)", ErrConstraint, n)
	}
	if b[1]&isupIncomplete != 0 {
		return "", fmt.Errorf("%w: e164-format number incomplete indicator set", ErrConstraint)
	}
	if p := b[1] & isupNPIMask; p != isupNPIISDN {
		return "", fmt.Errorf("%w: e164-format numbering plan indicator %03b is not ISDN/E.164 (001)", ErrConstraint, p>>4)
	}
	if a := b[1] & isupAPRIMask; a != isupPresentationAllowed && a != isupPresentationRestrict {
		return "", fmt.Errorf("%w: e164-format address presentation restricted indicator %02b (address not available or spare) with address signals", ErrConstraint, a>>2)
	}
	sig := b[isupHeader:]
	odd := b[0]&isupOdd != 0
	out := make([]byte, 0, 2*len(sig))
	for i, o := range sig {
		lo, hi := o&0x0F, o>>4
		if lo > 9 {
			return "", fmt.Errorf("%w: e164-format address signal 0x%X is not a digit", ErrConstraint, lo)
		}
		out = append(out, '0'+lo)
		if odd && i == len(sig)-1 {
			if hi != 0 {
				return "", fmt.Errorf("%w: e164-format odd number of digits but the filler is 0x%X, not 0000", ErrConstraint, hi)
			}
			break
		}
		if hi > 9 {
			return "", fmt.Errorf("%w: e164-format address signal 0x%X is not a digit", ErrConstraint, hi)
		}
		out = append(out, '0'+hi)
	}
	return string(out), nil
}
