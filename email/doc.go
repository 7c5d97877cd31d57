// Package email captures SMTP, POP3 and IMAP4 sessions and turns them into EmailIRI and
// EmailCC intercept records (TS 102 232-2 clauses 6-7, Annexes A to C).
//
// What flows in: (direction, bytes) chunks of one TCP session, from either tap — the
// application-level proxy (email/proxy) or passive capture (email/capture). What flows
// out: record.Record values (EmailIRI or EmailCC) handed to an Emit function, usually a
// Handoff that queues them for a record.Sink without ever blocking the tap.
//
// One TCP session is one logical sequence (one CIN): the logon record is Open, later
// records Continue, the logoff Close. A failed logon or a logon attempt before any logon
// is Standalone. Every record carries the session's client IP and login name (the login
// name is passed as IdentityEmail whether or not it contains '@'; with Options.LoginDomain
// set, "name@domain" is added too) plus the mailbox addresses of the event.
//
// Each protocol has its own state machine (smtp.go, pop3.go, imap.go); the byte-stream
// framing (lines.go) is separate from the state logic. Sources never see BER.
package email
