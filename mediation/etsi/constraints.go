package etsi

import (
	"fmt"
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

func countryCode(s string) error {
	if err := sizeIn("country code", len(s), 2, 2); err != nil {
		return err
	}
	return printable(s)
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
