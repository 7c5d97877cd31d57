// Package lemfweb is the LEMF's evidence viewer: a read-only web page per LIID, network
// element and CIN over what a LEMF wrote to its output directory (see package
// simulators/lemf: records.jsonl, summary.json, content/).
//
// Each CIN page shows the IRI timeline in sequence-number order (iRIType, category or
// e-mail event, status, parties, time) with sequence gaps and duplicates flagged, the
// decoded PDU of every event in its JSON form (mediation/etsi JSON.md), an audio player
// per reassembled WAV and the e-mail content as escaped text. The index filters by LIID,
// network element, CIN and time.
//
// It is evidence, so the server is strict: html/template escapes everything received
// (HTML mail is shown as source, never rendered), no script runs (the
// Content-Security-Policy allows none and only same-origin styles and media), assets are
// embedded so the page works offline, content files are opened through an os.Root on
// content/ with names checked against the LEMF's naming (no traversal, no symlink
// escape), and Serve refuses a non-loopback address unless TLS with client
// certificates is configured.
//
// The viewer reads the directory on every request, so it works beside a running LEMF
// (records.jsonl is flushed whenever a connection goes idle); content is placed per CIN
// from Options.Summary (the LEMF's live Summary, or summary.json once the LEMF stopped).
package lemfweb
