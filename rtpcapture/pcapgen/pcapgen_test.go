package pcapgen

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pion/rtp"
)

// The committed captures must be exactly what the generator writes (rtppcap).
func TestCommittedCapturesAreGenerated(t *testing.T) {
	tests := []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"../testdata/calls.pcap", func(b *bytes.Buffer) error { return WriteCalls(b, PassiveCalls()) }},
		{"../testdata/sipp-pcmu.pcap", func(b *bytes.Buffer) error {
			return WriteStream(b, SippStream(), time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
		}},
	}
	for _, tc := range tests {
		committed, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tc.write(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, buf.Bytes()) {
			t.Errorf("%s differs from the generator: regenerate with go run ./rtpcapture/cmd/rtppcap", tc.file)
		}
	}
}

func TestStreamImpairments(t *testing.T) {
	s := Stream{Src: SippStream().Src, Dst: SippStream().Dst, SSRC: 1, Seq0: 10, ToneHz: 440, Packets: 12, SwapEvery: 4, LoseEvery: 5, DupEvery: 6}
	var buf bytes.Buffer
	if err := WriteStream(&buf, s, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(&buf)
	if err != nil || r.LinkType() != layers.LinkTypeEthernet {
		t.Fatalf("reader: %v", err)
	}
	var seqs []uint16
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		var p rtp.Packet
		if err := p.Unmarshal(data[14+20+8:]); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, p.SequenceNumber)
	}
	// Index 3 and 7 swap with their successor, 5 and 11 go twice, 9 is lost.
	want := []uint16{10, 11, 12, 14, 13, 15, 15, 16, 18, 17, 20, 21, 21}
	if len(seqs) != len(want) {
		t.Fatalf("sent %v, want %v", seqs, want)
	}
	for i := range want {
		if seqs[i] != want[i] {
			t.Fatalf("sent %v, want %v", seqs, want)
		}
	}
}
