// Package sdpinfo reads what the RTP path needs from a call's session description: the
// negotiated audio streams (address, port, direction, a=label, payload types from
// a=rtpmap) from SDP, and, for SIPREC (RFC 7866), the participants of the recorded call
// and the streams each one sends from the application/rs-metadata+xml body (RFC 7865).
// Everything here parses bytes from outside: errors name what and where, nothing panics.
package sdpinfo
