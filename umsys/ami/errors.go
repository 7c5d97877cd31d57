package ami

import "errors"

// Errors a caller can test for with errors.Is.
var (
	// ErrFrameTooLarge: a line or block exceeds the configured limit.
	ErrFrameTooLarge = errors.New("ami: frame too large")
	// ErrMalformed: bytes that are not an AMI packet.
	ErrMalformed = errors.New("ami: malformed packet")
	// ErrAuthFailed: Login was answered with Response: Error.
	ErrAuthFailed = errors.New("ami: authentication failed")
	// ErrPingTimeout: a Ping got no Pong in time; the connection is considered dead.
	ErrPingTimeout = errors.New("ami: ping timeout")
)
