package session

import "time"

// Claims make several umli instances that consume the same platform feed (active-active)
// deliver each record once. Every instance translates every event the same way and gives
// the records derived from one platform event the same Step.Claim (the event identity
// plus the record's index). The step script claims it with SET NX PX in the same call that
// numbers the record, so the first instance to number it wins and the others get a
// duplicate reply (Numbers.Dup) without any number allocated or journal entry written:
// no extra round trip, and no sequence gap. A claim lives for Config.ClaimTTL, long enough
// to outlast any peer's lag behind the feed.

// DefaultClaimTTL is how long a claimed event identity is remembered.
const DefaultClaimTTL = 10 * time.Minute

// dupReply is the step script's reply for a record another instance claimed first.
const dupReply = "dup"

// claimTTL is the configured claim lifetime in milliseconds.
func (s *Store) claimTTL() int64 {
	if s.cfg.ClaimTTL <= 0 {
		return DefaultClaimTTL.Milliseconds()
	}
	return s.cfg.ClaimTTL.Milliseconds()
}

// parseReplyInto reads one step reply (numbers, or a duplicate), with the sequence
// numbers in seqs' spare capacity.
func parseReplyInto(r string, seqs []LIIDSeq) (Numbers, error) {
	if r == dupReply {
		return Numbers{Dup: true}, nil
	}
	return parseNumbersInto(r, seqs)
}
