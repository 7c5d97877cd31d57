package ber

import (
	"errors"
	"fmt"
)

// Sentinel errors; *Error wraps one of them with the offset where it happened.
var (
	// ErrIncomplete means the buffer holds the start of an element but not all of it yet;
	// only FrameLength returns it (a stream reader should read more and retry).
	ErrIncomplete = errors.New("ber: incomplete element, need more bytes")
	// ErrTruncated means an element runs past the end of its enclosing input.
	ErrTruncated = errors.New("truncated: element runs past the end of its input")
	// ErrTooLong means an element is longer than the caller's limit.
	ErrTooLong = errors.New("element longer than the allowed maximum")
	// ErrLength means the length octets are malformed (reserved, too many octets, absurd).
	ErrLength = errors.New("malformed length")
	// ErrTagNumber means a high-tag-number identifier is malformed or too large.
	ErrTagNumber = errors.New("malformed tag number")
	// ErrIndefinitePrimitive means a primitive element used the indefinite length form.
	ErrIndefinitePrimitive = errors.New("indefinite length on a primitive element")
	// ErrTooDeep means constructed elements are nested deeper than the reader allows.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrValue means the content octets are not a valid value of the expected type.
	ErrValue = errors.New("invalid value")
	// ErrConstructed means a primitive encoding was expected but a constructed one was found, or vice versa.
	ErrConstructed = errors.New("wrong primitive/constructed form")
)

// Error is a decoding error at an absolute byte offset of the input.
type Error struct {
	Offset int
	Err    error
	// Detail adds a human explanation to Err; may be empty.
	Detail string
}

// Error formats the offset, the sentinel and the detail.
func (e *Error) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("offset %d: %v: %s", e.Offset, e.Err, e.Detail)
	}
	return fmt.Sprintf("offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func errAt(off int, err error, detail string) *Error {
	return &Error{Offset: off, Err: err, Detail: detail}
}
