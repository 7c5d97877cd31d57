// Package mailsim is the mail peer of the demo: scripted SMTP, POP3 and IMAP4 sessions
// that reproduce the TS 102 232-2 Annex B.6 (POP3) and C.4 (IMAP4) examples and an
// authenticated SMTP submission (package email/annex).
//
// Run plays the client side against server addresses (usually the e-mail proxy in
// front of a mail server); Serve plays the server side of the same scripts, so the
// demo needs no mail server: mailsim client -> email proxy -> mailsim server yields
// exactly the examples' intercept events.
package mailsim
