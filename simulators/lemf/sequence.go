package lemf

import "sort"

// maxListedMissing bounds the missing ranges a summary lists; the counts stay exact.
const maxListedMissing = 64

// SeqRange is an inclusive range of sequence numbers.
type SeqRange struct {
	From uint32 `json:"from"`
	To   uint32 `json:"to"`
}

// seqTracker remembers which sequence numbers of one (LIID, CIN, IRI|CC) stream were
// seen, as sorted disjoint ranges: an in-order stream costs one range however long it is.
type seqTracker struct {
	ranges     []SeqRange
	pdus       int
	duplicates int
}

// add records n and reports whether it had been seen before.
func (t *seqTracker) add(n uint32) (duplicate bool) {
	t.pdus++
	// i is the first range ending at or after n.
	i := sort.Search(len(t.ranges), func(i int) bool { return t.ranges[i].To >= n })
	if i < len(t.ranges) && t.ranges[i].From <= n {
		t.duplicates++
		return true
	}
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
	return false
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
	Missing    []SeqRange `json:"missing,omitempty"`
	Duplicates int        `json:"duplicates"`
}

// summary computes the gaps as of now.
func (t *seqTracker) summary() SequenceSummary {
	s := SequenceSummary{PDUs: t.pdus, Duplicates: t.duplicates}
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
