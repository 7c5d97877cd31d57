// Package lemf is the law-enforcement monitoring facility umli hands over to: it listens
// on HI2 and HI3, answers TRI keep-alives, keeps every received byte, decodes every
// TS 102 232-1 PS-PDU, checks sequence numbers and reassembles the captured content.
//
// What flows in: PS-PDUs (BER) on two TCP or TLS listeners. What flows out, under the
// output directory:
//
//	hi2.ber, hi3.ber   every byte received on each interface, exactly as received
//	records.jsonl      one line per PDU: {"hi","offset","received","pdu"[,"duplicate"[,"conflict"]]}
//	content/           MessagingCC and EmailCC content reassembled per stream
//	summary.json       per LIID, NE and CIN: events, CC bytes, sequence gaps and duplicates
//
// CINs are unique per network element only, so everything below is keyed by (LIID,
// networkElementIdentifier, CIN): two elements' CIN 1 are two sessions, and content
// files are named LIID_NE_CIN_….
//
// Sequence numbers are tracked per (LIID, NE, CIN, IRI|CC); TRI PDUs (keep-alives) are not
// counted. A duplicate is a sequence number seen before. It is a retransmission when its
// PDU is byte-identical to the first copy (a handover replaying its resend window after a
// reconnect or a crash: allowed) and a conflict otherwise (two different records under one
// number: something upstream numbered twice; never acceptable). Either stays in
// records.jsonl marked "duplicate":true (a conflict also "conflict":true), is not counted
// as an event or reassembled twice, and is counted in the summary; the first copy is the
// one kept. A gap is a sequence number missing between the lowest and highest seen.
//
// MessagingCC content is keyed by (LIID, NE, CIN, event-identifier, content-identifier) and
// ordered by its sequence-number; a stream is finalized at end-of-sequence or at shutdown.
// audio/PCMU and audio/PCMA are written as WAV files that keep the G.711 bytes unchanged
// (WAVE_FORMAT_MULAW 7 / WAVE_FORMAT_ALAW 6, 8 kHz, mono, 8 bits per sample): the LEMF
// keeps the evidence bit-exact and every common player decodes G.711 itself.
// audio/wav (a platform's message file) is kept byte for byte as .wav, text/plain
// becomes .txt, message/rfc822 .eml, anything else .bin. EmailCC is appended per
// (LIID, NE, CIN) in arrival order to .eml (application format) or .bin (ip-packet).
//
// Bad input closes only its own connection: the bytes are kept in the .ber file, an
// error line with the file offset goes to records.jsonl, and the other connections carry
// on. One PDU is bounded by Config.MaxPDU, held-back content by fixed limits.
//
// In-process use (as `umli demo` does):
//
//	l, err := lemf.New(lemf.Config{HI2Addr: "127.0.0.1:0", HI3Addr: "127.0.0.1:0", OutDir: dir})
//	hi2, hi3 := l.Addrs()                      // hand these to the handover
//	done := make(chan error, 1)
//	go func() { done <- l.Run(ctx) }()
//	err = l.WaitPDUs(waitCtx, nHI2, nHI3)      // optional: wait for what was sent
//	cancel(); err = <-done                     // summary.json is written; Summary is final
//	l.Summary().Format(os.Stdout)
package lemf
