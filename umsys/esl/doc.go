// Package esl is a FreeSWITCH event-socket (mod_event_socket, inbound mode) client.
//
// Bytes flow in from a TCP connection, through Stream (the frame splitter: outer
// headers, Content-Length framing, bounded buffers) and ParseEventPlain (the
// text/event-plain body parser: URL-decoding, _undef_, event bodies), and out as
// feed.Event values to a feed.Handler. Client adds the session around it: auth,
// `event plain …` subscription, disconnect notices, reconnect with backoff.
//
// The encoder in urlcode.go mirrors switch_url_encode_opt so the simulator in
// simulators/umsim can serialise events byte-for-byte as FreeSWITCH does.
package esl
