// Package email captures SMTP, POP3 and IMAP4 sessions and turns them into EmailIRI and
// EmailCC intercept records (TS 102 232-2 clauses 6-7, Annexes A to C).
//
// What flows in: (direction, bytes) chunks of one TCP session, from either tap — the
// application-level proxy (email/proxy) or passive capture (email/capture). What flows
// out: record.Record values (EmailIRI or EmailCC) handed to an Emit function, usually a
// Handoff that queues them for a record.Sink without ever blocking the tap.
//
// Each protocol has its own state machine (smtp.go, pop3.go, imap.go); the stream
// framing (lines.go: bounded lines and dot-stuffed bodies; IMAP literals) is separate
// from the state logic, and session.go holds what the three share.
//
// Sequences: one TCP session is one correlation key, so one CIN. A logon is Open
// (iRI-Begin; SMTP reports HELO/EHLO and again AUTH), downloads, uploads and sends are
// Continue, the logoff is Close; a session that ends without one is closed with status
// unknown. A logon failure or logon attempt before any logon is Standalone (Report, a
// CIN of its own); its exchange is CC of the TCP session's sequence (Continue), which a
// later logon in the same session continues.
//
// CC: after every finished command/response (Annexes B.5, C.3) the exchange's client
// bytes (from-target) and server bytes (to-target) are delivered in application
// format, from the logon on; sent, downloaded and uploaded messages are also delivered
// as their RFC 5322 text (dot-stuffing removed). Content longer than Options.CCChunk is
// cut into several records with the same EventKey, so nothing is buffered whole. The
// logoff exchange's CC precedes the Close record, which would otherwise end the CIN.
//
// Identities: every record carries the client IP (IdentityIP) and, once credentials
// were sent, the login name as IdentityEmail whether or not it contains '@' (warrants
// name mailboxes; servers often log in by local part; with Options.LoginDomain,
// "name@domain" too), plus the mailbox addresses of the event (SMTP sender and
// accepted recipients; the login mailbox for downloads).
//
// Minimization: credentials go into AAAInformation only; nothing here logs addresses,
// names or content.
package email
