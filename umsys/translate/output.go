package translate

import (
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
)

// ConnectEventKey is the EventKey of a session's connect IRI. It equals
// rtpcapture.ConnectEventKey, which the RTP legs of the same call use, so mediation gives
// the MessagingCC of streamed RTP the connect's event-identifier (TS 102 232-2 Table 6)
// whichever side reported the connect (cmd/umli tests assert the two are equal).
const ConnectEventKey = "connect"

// Output is one record a translator produced and how it came about.
type Output struct {
	Record record.Record
	// Rule names the translation rule that fired (for --explain and metrics).
	Rule string
	// Content, when set, is content (Table 5) to deliver as MessagingCC records that
	// share Record.EventKey.
	Content *ContentRef
	// Err, when set, says why an event could not be read at all; Record is then empty.
	Err error
}

// ContentRef says where the content of an event is.
type ContentRef struct {
	// Location is an absolute file path or an http/https URL named by the platform.
	Location string
	// Inline is content carried in the event itself (e.g. an SMS text).
	Inline []byte
	// ContentType is the MIME type when the event says it; "" means detect.
	ContentType string
	// Direction of the content relative to the target, as far as the event tells.
	Direction etsi.PayloadDirection
}

// Concurrent is implemented by a Translator whose Translate may run on several goroutines
// at once: it keeps no per-session state. The adapter then translates such events without
// its per-dialect lock, so several connections parse in parallel.
type Concurrent interface {
	Translator
	ConcurrentSafe()
}

// Translator turns raw events of one dialect into records. Implementations are not safe
// for concurrent use (unless Concurrent); the adapter serialises calls.
type Translator interface {
	// Translate appends the outputs for e, in order, to dst.
	Translate(dst []Output, e *feed.Event) []Output
	// Expire finalises sessions idle since before now minus the idle timeout and
	// appends their closing outputs to dst.
	Expire(dst []Output, now time.Time) []Output
	// Flush finalises every open session (end of a transcript, shutdown).
	Flush(dst []Output, now time.Time) []Output
}
