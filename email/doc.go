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
// Sequences: one TCP session is one correlation key, so one CIN (B.6, C.4: one CIN
// from the logon to the logoff). The logon is record.Open (iRI-Begin; SMTP reports
// HELO/EHLO and again AUTH, the second as iRI-Continue). Sends, receives, downloads,
// partial downloads and uploads are record.Report: iRI-Report in the session's CIN
// (Table C.1 for IMAP FETCH, UID FETCH and APPEND; Tables A.2 and B.2 allow
// Continue/Report, and umli uses Report for all three protocols alike). A logon
// failure or logon attempt is record.Report too (Tables A.2, B.2): in the session's CIN
// when one is open, else in a CIN of its own. IMAP differs: Table C.1 maps every LOGIN
// and AUTHENTICATE to e-mail-logon, iRI-Begin, and Table C.2 reports NO "in the same
// IRI message", so a refused IMAP logon is e-mail-logon (record.Open) with status
// operation-failed, and a later accepted one continues that CIN (C.4 allocates the CIN
// at the LOGIN command); only credentials that got no answer before the session ended
// are an e-mail-logon-attempt Report. The logoff is record.Close (iRI-End); a session
// that ends without one after a logon is closed with status unknown.
//
// Status (clause 7.7, Tables A.2, B.2, C.2): a positive reply (SMTP 2xx, POP3 +OK, IMAP
// OK) is operation-succeeded, a negative one (4xx/5xx, -ERR, NO) operation-failed. IMAP
// BAD is an error code as well (clause 7.7: "determined to be a failure (i.e. an error
// code ...)"): operation-failed. Exception, the SMTP send at a submission tap: the
// termination point of a send is "Recipient Mailbox Received" (Table 4), which a
// submission server's 250 after DATA does not show (it accepted the message for
// relaying): status-unknown; refused is operation-failed. With Options.SMTPReceive the
// tap sits in front of the recipients' MX, whose 250 is the termination point of the
// receive: operation-succeeded.
//
// e-mail-Sender-Validity is validated ("The operator has assured the e-mail-sender")
// only when the server accepted SMTP AUTH and the MAIL FROM address is the
// authenticated identity (or that name at Options.LoginDomain). Otherwise it is
// absent: the tap cannot see what the server checked, so it claims neither.
//
// AAAInformation: the logon's credentials; the send IRI carries the SMTP AUTH
// information (Table 1) and download IRIs the POP3/IMAP logon's (Table 3), the
// receive IRI none (Table 2). ASMTPAAAInformation challenge and response are the
// base64 text as exchanged (the ASN.1 says "BASE64 encoded"), the steps of a
// multi-step mechanism joined by LF. Message-ID is the Message-ID header field, else
// Resent-Message-ID (Tables A.1, B.1).
//
// CC: EmailCC in application format is "only the IP stack Layer 4 payload", and Annexes
// B.5 and C.3 ask for "the complete data of all ... sessions": so the CC is the
// exchange as it went over the TCP session, every byte once, and nothing else. A sent,
// downloaded or uploaded message is in it where the protocol carried it (dot-stuffed in
// SMTP DATA and POP3 RETR/TOP, verbatim in IMAP literals and BDAT); it is not delivered
// a second time as de-stuffed text, which the LEMF could not tell apart from the
// exchange (EmailCC has no field to say which is which). Clauses 6.2.2-6.4.2 need the
// RFC 5322 envelope and text present, which the exchange contains. The session whose CC
// is delivered starts with its first command after the greeting for POP3 (B.5: the
// AUTHORIZATION state commands, USER, PASS and APOP included, also when refused), with
// LOGIN or AUTHENTICATE for IMAP (C.3), and with HELO/EHLO/LHLO for SMTP; it runs to
// QUIT/LOGOUT (included) or the end of the TCP session. Each finished command/response
// is delivered at once (B.5, C.3), client bytes of the command first, then the server's
// response; pipelined commands (RFC 2449 PIPELINING, SMTP PIPELINING, IMAP tags) are
// delivered each with its own response and event key. An exchange's CC is handed over
// before its IRI, so the CC has already opened the session's CIN when the IRI (for
// example the Report of a refused logon) is numbered. Content longer than
// Options.CCChunk is cut into several records with the same EventKey, so nothing is
// buffered whole. With passive capture, IPPacket delivers ip-packet format CC of the
// same session instead (Options.OmitApplicationCC) or as well; the email-Format field
// tells the two apart.
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
