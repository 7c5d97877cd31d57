package esl

import "errors"

// Errors a caller can test for with errors.Is.
var (
	// ErrFrameTooLarge: a header block or body exceeds the configured limit.
	ErrFrameTooLarge = errors.New("esl: frame too large")
	// ErrMalformed: bytes that are not a valid ESL frame or event.
	ErrMalformed = errors.New("esl: malformed frame")
	// ErrAuthFailed: the server answered auth with something other than +OK.
	ErrAuthFailed = errors.New("esl: authentication failed")
	// ErrRejected: the server refused the connection (ACL rude-rejection) or a command.
	ErrRejected = errors.New("esl: rejected")
	// ErrDisconnected: the server sent a disconnect notice.
	ErrDisconnected = errors.New("esl: disconnect notice")
)
