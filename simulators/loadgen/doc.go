// Package loadgen drives a running umli with a chosen rate and mix of sessions of the
// three source kinds and reports what the LEMF got for them (`umsim load` wraps it):
//
//   - um: canonical JSON events (umsys/canonical/SCHEMA.md) over umli's jsonLines
//     listener — connect, deposit with inline text content (a MessagingCC), retrieve,
//     logout — one session per box visit, several sessions interleaved on a few
//     connections;
//   - sip: a SIPREC deposit call (simulators/sipsim) to umli's recording endpoint, G.711
//     both ways at 50 packets/s for SIPMedia;
//   - mail: one SMTP submission through umli's SMTP proxy;
//   - imap: one IMAP4 session through umli's IMAP proxy (login, select, fetch, logout).
//
// Rate counts sessions started per second across all kinds and Mix splits them (a UM
// session is four JSON events, a SIP session one call, a mail session one message, an
// imap session one login).
// NonTarget is the share of each kind's sessions that concern no target: their
// identities all live under NonTargetDomain, so BuildReport can check that nothing
// naming them reached the LEMF, and that the LEMF's CINs per network element match the
// target sessions sent.
//
// Minimization: the generator logs counts and errors only, never identities.
package loadgen
