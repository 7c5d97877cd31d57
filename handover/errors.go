package handover

import "errors"

// Errors callers can test for with errors.Is.
var (
	// ErrUnknownDestination: Enqueue named a destination or HI that is not configured.
	ErrUnknownDestination = errors.New("handover: unknown destination")
	// ErrQueueFull: the destination's undelivered bytes would exceed MaxBufferedBytes. Nothing
	// was appended; the caller keeps the PDUs (in its own bounded queue) and retries later.
	ErrQueueFull = errors.New("handover: queue full")
	// ErrRedis: Redis did not accept the PDUs (unreachable, timeout, error reply).
	ErrRedis = errors.New("handover: redis")
	// ErrBadPDU: an empty or oversized PDU was handed to Enqueue.
	ErrBadPDU = errors.New("handover: bad PDU")
	// ErrConfig: the configuration is invalid.
	ErrConfig = errors.New("handover: invalid config")

	errFrameTooLarge    = errors.New("handover: inbound frame too large")
	errBadFrame         = errors.New("handover: malformed inbound frame")
	errLeaseLost        = errors.New("handover: lease lost")
	errKeepAliveTimeout = errors.New("handover: no keep-alive response within timeout")
	errPeerClosed       = errors.New("handover: LEMF closed the connection")
)
