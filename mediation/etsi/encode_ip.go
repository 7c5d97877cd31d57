package etsi

import (
	"fmt"

	"github.com/umli/umli/mediation/etsi/ber"
)

// checkIPAddress enforces the IPAddress constraints shared by encoder and decoder.
func checkIPAddress(a *IPAddress) (string, error) {
	if !a.Type.valid() {
		return "iP-type", fmt.Errorf("%w: %s", ErrUnknownEnum, a.Type)
	}
	if a.Binary != nil && a.Text != "" {
		return "iP-value", fmt.Errorf("%w: both iPBinaryAddress and iPTextAddress set", ErrChoice)
	}
	if a.Binary != nil {
		if err := sizeIn("iPBinaryAddress", len(a.Binary), SizeIPValueIPBinaryAddressMin, SizeIPValueIPBinaryAddressMax); err != nil {
			return "iP-value.iPBinaryAddress", err
		}
	} else {
		if err := sizeIn("iPTextAddress", len(a.Text), SizeIPValueIPTextAddressMin, SizeIPValueIPTextAddressMax); err != nil {
			return "iP-value.iPTextAddress", err
		}
		if err := ia5(a.Text); err != nil {
			return "iP-value.iPTextAddress", err
		}
	}
	if a.Assignment != nil && !a.Assignment.valid() {
		return "iP-assignment", fmt.Errorf("%w: %s", ErrUnknownEnum, a.Assignment)
	}
	if a.V6PrefixLength != nil && (*a.V6PrefixLength < RangeIPAddressIPv6PrefixLengthMin || *a.V6PrefixLength > RangeIPAddressIPv6PrefixLengthMax) {
		return "iPv6PrefixLength", fmt.Errorf("%w: %d not in %d..%d", ErrConstraint, *a.V6PrefixLength, RangeIPAddressIPv6PrefixLengthMin, RangeIPAddressIPv6PrefixLengthMax)
	}
	if a.V4SubnetMask != nil {
		if err := sizeIn("iPv4SubnetMask", len(a.V4SubnetMask), SizeIPAddressIPv4SubnetMaskMin, SizeIPAddressIPv4SubnetMaskMax); err != nil {
			return "iPv4SubnetMask", err
		}
	}
	return ipCoding(a, false)
}

func appendIPAddress(dst []byte, t ber.Tag, a *IPAddress) ([]byte, error) {
	if at, err := checkIPAddress(a); err != nil {
		return dst, encWrap(err, at)
	}
	dst = ber.Begin(dst, t)
	m := len(dst)
	dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(a.Type))
	dst = ber.Begin(dst, ber.CtxC(2))
	m2 := len(dst)
	if a.Binary != nil {
		dst = ber.AppendOctetString(dst, ber.Ctx(1), a.Binary)
	} else {
		dst = ber.AppendString(dst, ber.Ctx(2), a.Text)
	}
	dst = ber.End(dst, m2)
	if a.Assignment != nil {
		dst = ber.AppendEnumerated(dst, ber.Ctx(3), int64(*a.Assignment))
	}
	if a.V6PrefixLength != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(4), int64(*a.V6PrefixLength))
	} else if a.Type == IPv6 && a.Binary != nil {
		// Mandatory with an IPv6 binary value (see ipCoding): a single address is /128.
		dst = ber.AppendInteger(dst, ber.Ctx(4), ipv6HostPrefix)
	}
	if a.V4SubnetMask != nil {
		dst = ber.AppendOctetString(dst, ber.Ctx(5), a.V4SubnetMask)
	}
	if a.NATTranslated != nil {
		dst = ber.AppendBoolean(dst, ber.Ctx(6), *a.NATTranslated)
	}
	return ber.End(dst, m), nil
}
