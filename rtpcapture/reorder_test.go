package rtpcapture

import (
	"slices"
	"testing"
)

func TestReorder(t *testing.T) {
	type pkt struct {
		ssrc uint32
		seq  uint16
	}
	seqs := func(ssrc uint32, s ...uint16) []pkt {
		out := make([]pkt, len(s))
		for i, v := range s {
			out[i] = pkt{ssrc, v}
		}
		return out
	}
	tests := []struct {
		name   string
		window int
		in     []pkt
		want   []uint16
		stats  ReorderStats
	}{
		{"in order", 8, seqs(1, 1, 2, 3, 4), []uint16{1, 2, 3, 4}, ReorderStats{Released: 4}},
		{"swap", 8, seqs(1, 1, 3, 2, 4), []uint16{1, 2, 3, 4}, ReorderStats{Released: 4}},
		{"first packets swapped", 8, seqs(1, 11, 10, 12), []uint16{10, 11, 12}, ReorderStats{Released: 3}},
		{"duplicate held", 8, seqs(1, 1, 3, 3, 2), []uint16{1, 2, 3}, ReorderStats{Released: 3, Duplicates: 1}},
		{"duplicate while priming", 8, seqs(1, 1, 2, 2, 3), []uint16{1, 2, 3}, ReorderStats{Released: 3, Duplicates: 1}},
		{"duplicate released", 2, seqs(1, 1, 2, 3, 4, 2, 5), []uint16{1, 2, 3, 4, 5}, ReorderStats{Released: 5, Late: 1}},
		{"loss skipped when window passes", 4, seqs(1, 1, 3, 4, 5, 6, 7), []uint16{1, 3, 4, 5, 6, 7}, ReorderStats{Released: 6, Lost: 1}},
		{"late after skip", 4, seqs(1, 1, 3, 4, 5, 6, 2), []uint16{1, 3, 4, 5, 6}, ReorderStats{Released: 5, Lost: 1, Late: 1}},
		{"wraparound", 8, seqs(1, 65534, 0, 65535, 1), []uint16{65534, 65535, 0, 1}, ReorderStats{Released: 4}},
		{"big forward jump", 4, seqs(1, 1, 2, 1000, 1001), []uint16{1, 2, 1000, 1001}, ReorderStats{Released: 4, Lost: 997}},
		{"ssrc change", 8, append(seqs(1, 100, 102), seqs(2, 7, 8)...), []uint16{100, 102, 7, 8}, ReorderStats{Released: 4, Lost: 1, SSRCChanges: 1}},
		{"sequence restart", 4, seqs(1, 5000, 5001, 10, 11, 12, 13), []uint16{5000, 5001, 12, 13}, ReorderStats{Released: 4, Late: 2, Resyncs: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []uint16
			r := NewReorder(tc.window, func(p *Packet) { got = append(got, p.Seq) })
			for _, p := range tc.in {
				r.Push(&Packet{SSRC: p.ssrc, Seq: p.seq, Payload: []byte{byte(p.seq)}})
			}
			r.Drain()
			if !slices.Equal(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
			if r.Stats != tc.stats {
				t.Errorf("stats = %+v, want %+v", r.Stats, tc.stats)
			}
		})
	}
}

func TestReorderCopiesPayload(t *testing.T) {
	var got [][]byte
	r := NewReorder(8, func(p *Packet) { got = append(got, slices.Clone(p.Payload)) })
	buf := []byte{1, 2, 3}
	r.Push(&Packet{SSRC: 1, Seq: 2, Payload: buf})
	buf[0] = 9 // the caller reuses its read buffer
	r.Push(&Packet{SSRC: 1, Seq: 1, Payload: []byte{7}})
	r.Drain()
	if len(got) != 2 || got[0][0] != 7 || got[1][0] != 1 {
		t.Fatalf("payloads = %v, want [[7] [1 2 3]]", got)
	}
}

func TestReorderArenaGrowsKeepingHeldPayloads(t *testing.T) {
	var got [][]byte
	r := NewReorder(4, func(p *Packet) { got = append(got, slices.Clone(p.Payload)) })
	small := []byte{1, 2, 3}
	big := make([]byte, 1000)
	for i := range big {
		big[i] = byte(i)
	}
	// 3 and 2 are held (waiting for 1) while the arena has to grow for 2's payload.
	r.Push(&Packet{SSRC: 1, Seq: 10, Payload: []byte{0}})
	r.Push(&Packet{SSRC: 1, Seq: 13, Payload: small})
	r.Push(&Packet{SSRC: 1, Seq: 12, Payload: big})
	r.Push(&Packet{SSRC: 1, Seq: 11, Payload: []byte{9}})
	r.Drain()
	if len(got) != 4 || got[1][0] != 9 || !slices.Equal(got[2], big) || !slices.Equal(got[3], small) {
		t.Fatalf("payloads after growth = %v", got)
	}
}
