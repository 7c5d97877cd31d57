package etsi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/umli/umli/mediation/etsi/ber"
)

// Sentinel errors wrapped by EncodeError and DecodeError.
var (
	// ErrUnknownEnum: a value or identifier that the enumeration does not have.
	ErrUnknownEnum = errors.New("not a value of the enumeration")
	// ErrVersion: the value cannot be expressed in the destination's schema version.
	ErrVersion = errors.New("not representable in this schema version")
	// ErrChoice: a CHOICE with no or more than one alternative set.
	ErrChoice = errors.New("CHOICE needs exactly one alternative")
	// ErrConstraint: a value outside the ASN.1 constraint (size, range, character set).
	ErrConstraint = errors.New("violates the ASN.1 constraint")
	// ErrMissing: a mandatory field is absent.
	ErrMissing = errors.New("mandatory field missing")
	// ErrUnexpectedTag: a tag that is wrong, out of order or repeated at that position.
	ErrUnexpectedTag = errors.New("unexpected tag")
	// ErrUnsupported: an alternative umli does not model (e.g. IRIContents other than e-mail/messaging).
	ErrUnsupported = errors.New("unsupported alternative")
	// ErrTrailing: bytes left inside an element after its last field.
	ErrTrailing = errors.New("trailing bytes")
)

// errEmpty: a present but empty value where the model uses "empty" for "absent".
var errEmpty = fmt.Errorf("%w: empty value is not representable here", ErrConstraint)

// EncodeError is an encoding failure at an ASN.1 path such as
// "payload.iRIPayloadSequence[0].iRIContents.messagingIRI.status".
type EncodeError struct {
	Path string
	Err  error
}

// Error names the path and the cause.
func (e *EncodeError) Error() string { return fmt.Sprintf("etsi: encode %s: %v", e.Path, e.Err) }

// Unwrap returns the cause.
func (e *EncodeError) Unwrap() error { return e.Err }

// DecodeError is a decoding failure at a byte offset (from the start of the decoded buffer)
// and an ASN.1 path.
type DecodeError struct {
	Offset int
	Path   string
	Err    error
}

// Error names the offset, the path and the cause.
func (e *DecodeError) Error() string {
	var be *ber.Error
	if errors.As(e.Err, &be) && be.Offset == e.Offset {
		// The ber error repeats the offset; say it once.
		if be.Detail != "" {
			return fmt.Sprintf("etsi: decode at offset %d (%s): %v: %s", e.Offset, e.Path, be.Err, be.Detail)
		}
		return fmt.Sprintf("etsi: decode at offset %d (%s): %v", e.Offset, e.Path, be.Err)
	}
	return fmt.Sprintf("etsi: decode at offset %d (%s): %v", e.Offset, e.Path, e.Err)
}

// Unwrap returns the cause (a ber sentinel or one of this package's).
func (e *DecodeError) Unwrap() error { return e.Err }

// joinPath prepends seg to path: "a" + "b" = "a.b", "a" + "[0].b" = "a[0].b".
func joinPath(seg, path string) string {
	switch {
	case path == "":
		return seg
	case seg == "":
		return path
	case strings.HasPrefix(path, "["):
		return seg + path
	}
	return seg + "." + path
}

// encWrap prefixes the path of an encode error with seg, creating the EncodeError if needed.
func encWrap(err error, seg string) error {
	var e *EncodeError
	if errors.As(err, &e) {
		e.Path = joinPath(seg, e.Path)
		return e
	}
	return &EncodeError{Path: seg, Err: err}
}

// encIdx is encWrap for the i-th element of a list.
func encIdx(err error, seg string, i int) error { return encWrap(err, fmt.Sprintf("%s[%d]", seg, i)) }

// decWrap prefixes the path of a decode error with seg; off is used when err carries no offset.
func decWrap(err error, seg string, off int) error {
	var e *DecodeError
	if errors.As(err, &e) {
		e.Path = joinPath(seg, e.Path)
		return e
	}
	d := &DecodeError{Offset: off, Path: seg, Err: err}
	var be *ber.Error
	if errors.As(err, &be) {
		d.Offset = be.Offset
	}
	return d
}

func decIdx(err error, seg string, i, off int) error {
	return decWrap(err, fmt.Sprintf("%s[%d]", seg, i), off)
}
