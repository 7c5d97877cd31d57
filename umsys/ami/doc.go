// Package ami is an Asterisk Manager Interface client for voicemail events.
//
// Bytes flow from a TCP connection through Stream (the framing layer: banner, CRLF or
// bare-LF lines, blocks ended by an empty line, packets joined by a single line break,
// bounded sizes) into Blocks, and out as feed.Event values (one per `Event:` block) to
// a feed.Handler. Client adds the session: banner check, Action: Login with an event
// mask, Ping keep-alive with a timeout, reconnect with backoff.
package ami
