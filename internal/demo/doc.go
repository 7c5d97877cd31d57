// Package demo runs the whole system in one process tree without external services: an
// embedded Redis (miniredis), an in-process LEMF writing to a directory, umli's mediation
// and handover with demo warrants, and the real sources driven by their simulators over
// loopback sockets. It ends with the LEMF's summary. `make demo` runs it through
// `umli demo`.
//
// Mediation and handover are assembled by internal/pipeline from the demo's YAML
// configuration, as `umli run` assembles them. Every scenario with a source takes it
// from a configuration section (UMPlatform: umsys ESL/AMI; Asterisk: umsys AMI and
// rtp.passive with a capture file; SIPRecording: rtp.siprec; CUNI: umsys cuni; VVM:
// an email proxy in vvm mode; Mail: email proxies), appends it to that YAML and starts
// it through the pipeline's source wiring (Env.Sources), as a user's configuration
// file is started; only the generators (Builtin, NonTarget) submit records themselves.
//
// The warrants come over X1, as in production: mediation starts with none, an
// in-process X1 server (mutual TLS, a throw-away PKI, tasks in the embedded Redis)
// receives them from the demo ADMF (x1.ProvisionWarrants, client certificate
// CN=admf-demo), and the X1 watcher hands them to mediation before the first scenario.
// X1 has no target type for a mailbox id, so the configured box ids are added back to
// the warrants X1 carries (withBoxes). Every X1 request and window close goes to the
// hash-chained OUT/audit.jsonl, verified at the end.
//
// Default scenarios, run one after the other:
//
//	UMPlatform    umsim serves ESL and AMI; umli's esl and ami clients feed the UM
//	              adapter (sources fs-um-1, ast-um-1); deposits' audio becomes MessagingCC
//	SIPRecording  sipsim deposits into the target's box; its SIPREC client forks the RTP
//	              to umli's recording endpoint (source fs-um-1, the platform's CINs)
//	VVM           a phone's OMTP Visual Voicemail session (mailsim's VVM script) through
//	              the IMAP proxy in vvm mode (source vvm-1): retrieve with the AMR audio
//	              as MessagingCC, save, delete, greeting upload, PIN change; a
//	              non-target's session first, of which nothing may be delivered
//	Mail          mailsim client → email proxy → mailsim server: SMTP submission, Annex
//	              B.6 POP3, Annex C.4 IMAP4 (source mail-1), via email.Handoff
//	NonTarget     one record of a subscriber no warrant names (source sbc-1): dropped
//
// Sources plug in as a Scenario: a function that feeds records into Env.Sink
// (mediation) and returns once they have all been submitted. Builtin has socket-free
// record generators.
package demo
