// Package frame cuts the byte streams of one mail session into protocol units —
// lines, SMTP replies, dot-stuffed bodies (SMTP DATA, POP3 multi-line responses),
// SMTP BDAT chunks and IMAP literals — apart from the lawful-interception state
// machines in package email, which decide what the units mean.
//
// One framer per protocol and direction: SMTPClient, SMTPServer, POP3Client,
// POP3Server and IMAP (both directions frame alike). Each Next call consumes the
// start of the bytes it is given and returns at most one Frame, so a caller counts
// and keeps exactly the bytes a unit was made of. Nothing is buffered but one line
// (bounded) and one reply text (bounded): bodies and literals stream through.
//
// Bad input never stops a framer: a Frame carries an *Error that says what was wrong
// and where (protocol, direction, line number, byte offset), and framing goes on at
// the next line. Errors never quote the bytes (they may hold addresses or passwords).
package frame
