// Package proxy is the application-level e-mail tap: a TCP proxy in front of one SMTP,
// POP3 or IMAP4 server that relays every byte unchanged and feeds a copy to the
// protocol's state machine (package email).
//
// What flows in: client connections (plain, STARTTLS or implicit TLS). What flows out:
// the same bytes to the upstream server, and intercept records to an email.Emit that
// must not block (email.Handoff) — the relay never waits for mediation.
//
// TLS: with operator certificates configured (Config.TLS) the proxy terminates TLS —
// at once for implicit TLS, at the switch for STARTTLS/STLS — and re-encrypts towards
// the server, so the session stays parsable. Without them the encrypted part passes
// through untouched and only what was said in clear is reported.
package proxy
