package etsi

import "fmt"

// TBCD (3GPP TS 29.002 17.7.8): two digits per octet, the first in the low nibble, an odd
// count padded with an 0xF filler in the last high nibble. umli only carries decimal digits.

// msisdnNature is the AddressString first octet umli writes: no extension, international
// number, ISDN/telephony numbering plan (E.164).
const msisdnNature = 0x91

func appendTBCD(dst []byte, digits string) []byte {
	for i := 0; i < len(digits); i += 2 {
		lo := digits[i] - '0'
		hi := byte(0xF)
		if i+1 < len(digits) {
			hi = digits[i+1] - '0'
		}
		dst = append(dst, hi<<4|lo)
	}
	return dst
}

// maxTBCDOctets bounds what parseTBCD reads: msisdn, imsi and imei are at most 8 octets of digits.
const maxTBCDOctets = 8

// parseTBCD reads TBCD digits; an 0xF filler is allowed only as the very last nibble.
func parseTBCD(b []byte) (string, error) {
	if len(b) > maxTBCDOctets {
		return "", fmt.Errorf("%w: %d TBCD octets, at most %d", ErrConstraint, len(b), maxTBCDOctets)
	}
	var buf [2 * maxTBCDOctets]byte
	out := buf[:0]
	for i, o := range b {
		lo, hi := o&0xF, o>>4
		if lo > 9 {
			return "", fmt.Errorf("%w: TBCD nibble 0x%X is not a digit", ErrConstraint, lo)
		}
		out = append(out, '0'+lo)
		if hi == 0xF && i == len(b)-1 {
			break
		}
		if hi > 9 {
			return "", fmt.Errorf("%w: TBCD nibble 0x%X is not a digit", ErrConstraint, hi)
		}
		out = append(out, '0'+hi)
	}
	return string(out), nil
}

func tbcdLen(digits string) int { return (len(digits) + 1) / 2 }

// msisdnCheck: the digits must fit AddressString (SIZE (1..9)): nature octet + up to 16 digits.
func msisdnCheck(d string) error {
	if err := digitsOnly("msisdn", d); err != nil {
		return err
	}
	return sizeIn("msisdn digits", len(d), MSISDNDigitsMin, MSISDNDigitsMax)
}

// imsiCheck: OCTET STRING (SIZE (3..8)) of TBCD: 5..16 digits, and an IMSI has at most 15 (TS 23.003 2.2).
func imsiCheck(d string) error {
	if err := digitsOnly("imsi", d); err != nil {
		return err
	}
	return sizeIn("imsi digits", len(d), IMSIDigitsMin, IMSIDigitsMax)
}

// imeiCheck: OCTET STRING (SIZE (8)): 15 digits (IMEI with filler) or 16 (IMEISV).
func imeiCheck(d string) error {
	if err := digitsOnly("imei", d); err != nil {
		return err
	}
	return sizeIn("imei digits", len(d), IMEIDigitsMin, IMEIDigitsMax)
}
