package lemf

import (
	"crypto/sha256"
	"sort"
)

// maxListedMissing bounds the missing ranges a summary lists; the counts stay exact.
const maxListedMissing = 64

// SeqRange is an inclusive range of sequence numbers.
type SeqRange struct {
	From uint32 `json:"from"`
	To   uint32 `json:"to"`
}

// repeat says what a PDU whose sequence number was seen before is.
type repeat int

const (
	// fresh: the sequence number is new.
	fresh repeat = iota
	// retransmission: byte-identical to the first copy (a handover replaying its resend
	// window after a reconnect or a crash). Harmless: the LEMF keeps one copy.
	retransmission
	// conflict: same sequence number, different bytes. Two records claim one number:
	// something upstream numbered twice (for example two instances racing). Never
	// acceptable; the first copy is kept.
	conflict
)

// seqTracker remembers which sequence numbers of one (LIID, NE, CIN, IRI|CC) stream were
// seen, as sorted disjoint ranges (an in-order stream costs one range however long it
// is), and a SHA-256 of each number's first PDU so that a repeat can be told apart as a
// retransmission or a conflict.
type seqTracker struct {
	ranges          []SeqRange
	first           map[uint32][sha256.Size]byte
	pdus            int
	retransmissions int
	conflicts       int
}

// add records n carried by the PDU bytes frame and says whether n had been seen before,
// and if so whether frame is byte-identical to its first copy.
func (t *seqTracker) add(n uint32, frame []byte) repeat {
	t.pdus++
	sum := sha256.Sum256(frame)
	if t.first == nil {
		t.first = map[uint32][sha256.Size]byte{}
	}
	// i is the first range ending at or after n.
	i := sort.Search(len(t.ranges), func(i int) bool { return t.ranges[i].To >= n })
	if i < len(t.ranges) && t.ranges[i].From <= n {
		if t.first[n] == sum {
			t.retransmissions++
			return retransmission
		}
		t.conflicts++
		return conflict
	}
	t.first[n] = sum
	joinLeft := i > 0 && t.ranges[i-1].To+1 == n
	joinRight := i < len(t.ranges) && n+1 == t.ranges[i].From
	switch {
	case joinLeft && joinRight:
		t.ranges[i-1].To = t.ranges[i].To
		t.ranges = append(t.ranges[:i], t.ranges[i+1:]...)
	case joinLeft:
		t.ranges[i-1].To = n
	case joinRight:
		t.ranges[i].From = n
	default:
		t.ranges = append(t.ranges, SeqRange{})
		copy(t.ranges[i+1:], t.ranges[i:])
		t.ranges[i] = SeqRange{From: n, To: n}
	}
	return fresh
}

// SequenceSummary describes the sequence numbers of one (LIID, CIN, IRI|CC) stream.
type SequenceSummary struct {
	// PDUs counts every PDU, duplicates included.
	PDUs    int    `json:"pdus"`
	Lowest  uint32 `json:"lowest"`
	Highest uint32 `json:"highest"`
	// Gaps counts sequence numbers missing between Lowest and Highest.
	Gaps uint64 `json:"gaps"`
	// Missing lists the missing ranges (at most 64 of them).
	Missing []SeqRange `json:"missing,omitempty"`
	// Duplicates counts PDUs whose sequence number was seen before: Retransmissions
	// (byte-identical to the first copy) plus Conflicts (different bytes).
	Duplicates      int `json:"duplicates"`
	Retransmissions int `json:"retransmissions"`
	Conflicts       int `json:"conflicts"`
}

// summary computes the gaps as of now.
func (t *seqTracker) summary() SequenceSummary {
	s := SequenceSummary{PDUs: t.pdus, Duplicates: t.retransmissions + t.conflicts,
		Retransmissions: t.retransmissions, Conflicts: t.conflicts}
	if len(t.ranges) == 0 {
		return s
	}
	s.Lowest = t.ranges[0].From
	s.Highest = t.ranges[len(t.ranges)-1].To
	for i := 1; i < len(t.ranges); i++ {
		hole := SeqRange{From: t.ranges[i-1].To + 1, To: t.ranges[i].From - 1}
		s.Gaps += uint64(hole.To-hole.From) + 1
		if len(s.Missing) < maxListedMissing {
			s.Missing = append(s.Missing, hole)
		}
	}
	return s
}
