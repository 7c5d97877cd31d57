package record

import "context"

// ReleaseSink is a Sink that says when it has finished with a record it took, so that
// the source can reuse the record's memory (the RTP path recycles its MessagingCC
// content buffers this way). Sources use it when the sink implements it and fall back
// to Submit, with fresh memory per record, otherwise.
type ReleaseSink interface {
	Sink
	// SubmitRelease is Submit. When it returns nil, release is called exactly once, from
	// any goroutine and possibly before SubmitRelease returns, once the sink keeps no
	// reference to r or to anything r points to. When it returns an error the record was
	// not taken and release is never called.
	SubmitRelease(ctx context.Context, r *Record, release func()) error
}
