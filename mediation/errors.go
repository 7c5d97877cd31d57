package mediation

import "errors"

// Errors Submit returns; test with errors.Is.
var (
	// ErrBadRecord: the record breaks the contract (not exactly one content, content that
	// cannot be encoded, a source name that cannot be a network element). Retrying the
	// same record does not help. The error names fields, never their values.
	ErrBadRecord = errors.New("mediation: bad record")
	// ErrQueueFull: the in-memory queue stayed full until the context ended (Redis or the
	// handover queue is not keeping up); the record was not taken.
	ErrQueueFull = errors.New("mediation: queue full")
	// ErrClosed: the mediator has stopped.
	ErrClosed = errors.New("mediation: stopped")
)
