// Package email captures SMTP, POP3 and IMAP4 sessions and turns them into EmailIRI and
// EmailCC intercept records (TS 102 232-2 Annexes A to C).
package email
