package lemf

import (
	"fmt"
	"reflect"
	"testing"
)

func TestSeqTracker(t *testing.T) {
	tests := []struct {
		name string
		seqs []uint32
		want SequenceSummary
	}{
		{"empty", nil, SequenceSummary{}},
		{"in order", []uint32{0, 1, 2, 3}, SequenceSummary{PDUs: 4, Lowest: 0, Highest: 3}},
		{"out of order, complete", []uint32{3, 1, 0, 2}, SequenceSummary{PDUs: 4, Lowest: 0, Highest: 3}},
		{"one gap", []uint32{0, 1, 3, 4}, SequenceSummary{PDUs: 4, Highest: 4, Gaps: 1, Missing: []SeqRange{{2, 2}}}},
		{"gap range and duplicate", []uint32{5, 6, 6, 10, 5}, SequenceSummary{PDUs: 5, Lowest: 5, Highest: 10, Gaps: 3,
			Missing: []SeqRange{{7, 9}}, Duplicates: 2, Retransmissions: 2}},
		{"gap filled later", []uint32{0, 2, 1}, SequenceSummary{PDUs: 3, Highest: 2}},
		{"joins both sides", []uint32{0, 1, 3, 4, 2, 2}, SequenceSummary{PDUs: 6, Highest: 4, Duplicates: 1, Retransmissions: 1}},
		{"extremes", []uint32{0xFFFFFFFF, 0, 0xFFFFFFFE}, SequenceSummary{PDUs: 3, Highest: 0xFFFFFFFF, Gaps: 0xFFFFFFFD,
			Missing: []SeqRange{{1, 0xFFFFFFFD}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr seqTracker
			for _, s := range tt.seqs {
				tr.add(s, []byte(fmt.Sprint("pdu ", s)))
			}
			if got := tr.summary(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("summary = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSeqTrackerManyHolesListsBoundedMissing(t *testing.T) {
	var tr seqTracker
	for i := uint32(0); i < 1000; i++ {
		tr.add(2*i, nil)
	}
	s := tr.summary()
	if s.Gaps != 999 || len(s.Missing) != maxListedMissing || s.Duplicates != 0 {
		t.Fatalf("gaps %d, listed %d, duplicates %d; want 999, %d, 0", s.Gaps, len(s.Missing), s.Duplicates, maxListedMissing)
	}
	if got := tr.add(998, nil); got != retransmission {
		t.Errorf("re-adding 998 with the same bytes: %v, want a retransmission", got)
	}
}

// TestSeqTrackerRetransmissionOrConflict: a repeat is a retransmission only when its bytes
// equal the first copy's; a later identical copy of a conflicting number still compares
// with the first copy.
func TestSeqTrackerRetransmissionOrConflict(t *testing.T) {
	tests := []struct {
		name  string
		seq   uint32
		frame string
		want  repeat
	}{
		{"first 0", 0, "A", fresh},
		{"first 1", 1, "B", fresh},
		{"0 again, same bytes", 0, "A", retransmission},
		{"0 again, other bytes", 0, "A'", conflict},
		{"0 a third time, first bytes", 0, "A", retransmission},
		{"1 with 0's bytes", 1, "A", conflict},
		{"first 2", 2, "A", fresh},
	}
	var tr seqTracker
	for _, tt := range tests {
		if got := tr.add(tt.seq, []byte(tt.frame)); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	want := SequenceSummary{PDUs: 7, Highest: 2, Duplicates: 4, Retransmissions: 2, Conflicts: 2}
	if got := tr.summary(); !reflect.DeepEqual(got, want) {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}
