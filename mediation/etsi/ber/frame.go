package ber

import "errors"

// FrameLength returns the total length of the first complete top-level element in b, as a
// TCP stream reader needs to cut PDUs out of a byte stream. It returns ErrIncomplete when b
// holds only the beginning of an element (read more and call again), or an error when the
// element is malformed or longer than max octets (max <= 0: no limit beyond 2^31-1).
// Indefinite-length elements are walked to their end-of-contents, nesting bounded by
// DefaultMaxDepth.
func FrameLength(b []byte, max int) (int, error) {
	if max <= 0 {
		max = maxLength
	}
	_, hl, l, err := parseHeader(b, 0)
	if err != nil {
		return 0, frameErr(err)
	}
	if l >= 0 {
		if hl+l > max {
			return 0, errAt(0, ErrTooLong, "")
		}
		if hl+l > len(b) {
			return 0, ErrIncomplete
		}
		return hl + l, nil
	}
	in := b
	if len(in) > max {
		in = in[:max]
	}
	_, n, err := parseElement(in, 0, 0, DefaultMaxDepth)
	if err != nil {
		if errors.Is(err, ErrTruncated) && len(in) < len(b) {
			return 0, errAt(0, ErrTooLong, "")
		}
		return 0, frameErr(err)
	}
	return n, nil
}

func frameErr(err error) error {
	if errors.Is(err, ErrTruncated) {
		return ErrIncomplete
	}
	return err
}
