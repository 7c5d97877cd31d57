package passive

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/rs/zerolog"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
)

// convert rewrites calls.pcap as pcapng, optionally re-framing Ethernet as Linux SLL
// (what `tcpdump -i any` writes).
func convert(t *testing.T, sll bool) []byte {
	t.Helper()
	f, err := os.Open(callsPcap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	link := layers.LinkTypeEthernet
	if sll {
		link = layers.LinkTypeLinuxSLL
	}
	var out bytes.Buffer
	w, err := pcapgo.NewNgWriter(&out, link)
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if sll {
			// 16-byte SLL header: packet type, ARPHRD_ETHER, address length 6, the
			// address padded to 8, then the EtherType of the Ethernet frame.
			hdr := []byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 0x0a, 0, 0, data[12], data[13]}
			data = append(hdr, data[14:]...)
			ci.CaptureLength, ci.Length = len(data), len(data)
		}
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ci.Timestamp, CaptureLength: ci.CaptureLength, Length: ci.Length, InterfaceIndex: 0}, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestCaptureFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		sll  bool
	}{{"pcapng ethernet", false}, {"pcapng linux sll", true}} {
		t.Run(tc.name, func(t *testing.T) {
			sink := capturetest.NewSink()
			c, err := New(Config{Sink: sink, Pilots: []string{"8000"}, Log: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.ReadPcap(context.Background(), bytes.NewReader(convert(t, tc.sll))); err != nil {
				t.Fatal(err)
			}
			if c.Stats.Calls != 2 || c.Stats.SIP != 12 || c.Stats.Strangers != 5 || c.Stats.Undecodable != 0 {
				t.Errorf("stats = %+v", c.Stats)
			}
		})
	}
}

func TestReadPcapRefusesGarbage(t *testing.T) {
	c, err := New(Config{Sink: capturetest.NewSink(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]byte{nil, []byte("not a capture file at all")} {
		if err := c.ReadPcap(context.Background(), bytes.NewReader(in)); err == nil {
			t.Errorf("ReadPcap(%q) accepted", in)
		}
	}
}
