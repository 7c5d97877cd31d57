// Package testmail starts real mail peers for tests: Dovecot (IMAP and POP3) with a
// throwaway configuration under a test's temp dir, an SMTP server built on
// github.com/emersion/go-smtp with AUTH PLAIN, LOGIN and CRAM-MD5, and self-signed
// certificates. A missing binary fails the test loudly with the apt hint.
package testmail
