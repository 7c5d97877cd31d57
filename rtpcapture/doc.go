// Package rtpcapture captures the SIP/RTP legs of calls to the UM system and turns their
// media into MessagingCC intercept records (TS 102 232-2 clause 8.1, Table 6).
//
// In: RTP datagrams of negotiated flows, from the recording endpoint (siprec) or a
// passive capture (passive), plus what SIP said about the call (CallInfo). Out:
// record.Record values handed to a record.Sink (mediation); DTMF key presses to a
// DTMFHandler (the UM translation). Nothing here sees BER, LIIDs or CINs.
//
// The path of one stream is a Leg: pion/rtp Unmarshal, a small reorder buffer
// (reordering, duplicates, loss, SSRC change, sequence restarts), then chunks of
// Chunk (200 ms) of media by RTP timestamp, one MessagingCC each, sequence-number from
// 0 and end-of-sequence on the last chunk (BYE, CANCEL or media timeout). A change of
// payload type starts a new chunk, so every chunk has one content-type (audio/PCMU,
// audio/PCMA, audio/G722, audio/G729, audio/opus, audio/AMR, audio/telephone-event…).
// An in-order packet costs one cache line of leg state and a copy of its payload into
// the chunk. Chunks go to the Sink in fresh memory, or, when the Sink is a
// record.ReleaseSink, in the memory of chunks it released; SessionConfig.ReuseBuffers
// reuses it once Submit returns, for sinks that keep nothing.
//
// Table 6 mapping. A call has candidate targets (Party): in a deposit the caller and the
// box owner, in a retrieval the box owner calling in. Every chunk is submitted once per
// candidate with that candidate's Identities; mediation keeps only those a warrant names.
// For a candidate, a leg it sends is fromTarget (content-identifier 0), a leg it
// receives is toTarget (1): a caller depositing into the target's box is toTarget for
// the box owner, a target calling in to listen sends fromTarget.
//
// Correlation contract with the UM feed: CorrelationKey is the platform call UUID
// (FreeSWITCH channel UUID from X-FS-UUID/X-UUID or rs-metadata) when known, else
// "sip:"+Call-ID (CorrelationKeyFor), as the UM translators use. MessagingCC records use
// Boundary Continue and EventKey "connect", so mediation gives them the CIN and the
// event-identifier of the session's connect IRI; the UM translators give their connect
// IRI the same EventKey (translate.ConnectEventKey). With ConnectOpen (the default) a
// Session also submits that connect itself (message-box connect, operation-succeeded,
// trigger user, Boundary Open, EventKey "connect", CloseEvent disconnect/unknown). The
// feed reports the connect of the same call too; ConnectOnce, the sink umli puts in
// front of mediation for both, delivers one connect per call and identity, whichever
// comes first. ConnectNone leaves connect and disconnect to the feed.
//
// Minimization: identities, key presses and SIP messages are never logged; logs carry
// correlation keys, addresses of media sources and counts.
package rtpcapture
