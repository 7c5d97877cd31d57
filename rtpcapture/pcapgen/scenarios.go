package pcapgen

import (
	"net/netip"
	"time"
)

// epoch is the fixed start of generated captures, so files are reproducible.
func epoch() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) }

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// SippStream is the RTP sipp replays into the recording endpoint: 2 s of a 440 Hz tone
// in PCMU, without impairments (sipp paces packets as captured).
func SippStream() Stream {
	return Stream{Src: ap("192.0.2.10:6000"), Dst: ap("192.0.2.20:7000"), SSRC: 0x5151, Seq0: 100, TS0: 8000,
		ToneHz: 440, Packets: 100}
}

// PassiveCalls are the calls of testdata/calls.pcap: a caller forwarded to voicemail
// depositing over SIP/UDP, and a box owner retrieving over SIP/TCP (INVITE split across
// segments) and pressing keys; both with reordered, lost and duplicated RTP, and RTP
// from a stranger.
func PassiveCalls() []Call {
	return []Call{
		{
			Transport: "udp", CallID: "deposit-1@192.0.2.10", Caller: ap("192.0.2.10:5060"), UM: ap("192.0.2.20:5060"),
			From: "<sip:+4917011111@carrier.example>", To: "<sip:+4917022222@carrier.example>", RequestURI: "sip:8000@192.0.2.20",
			Headers:   []string{"Diversion: <sip:+4917022222@carrier.example>;reason=no-answer", "X-FS-UUID: 0b7f6c1e-5d1a-4d0e-9a57-2f1e3c4d5b6a"},
			CallerRTP: Stream{Src: ap("192.0.2.10:16000"), Dst: ap("192.0.2.20:20000"), SSRC: 0x1111, Seq0: 65500, TS0: 1000, ToneHz: 440, Packets: 150, SwapEvery: 17, LoseEvery: 23, DupEvery: 31},
			UMRTP:     Stream{Src: ap("192.0.2.20:20000"), Dst: ap("192.0.2.10:16000"), SSRC: 0x2222, Seq0: 10, TS0: 0, ToneHz: 620, Packets: 100, SwapEvery: 13, LoseEvery: 41},
			Strangers: 5,
			Start:     epoch(),
		},
		{
			Transport: "tcp", CallID: "retrieve-1@198.51.100.7", Caller: ap("198.51.100.7:5070"), UM: ap("192.0.2.20:5060"),
			From: "<sip:2000@um.example>", To: "<sip:8000@um.example>", RequestURI: "sip:8000@192.0.2.20;transport=tcp",
			CallerRTP: Stream{Src: ap("198.51.100.7:30000"), Dst: ap("192.0.2.20:20002"), SSRC: 0x3333, Seq0: 1, ToneHz: 300, Packets: 60, SwapEvery: 9, Keys: "1#"},
			UMRTP:     Stream{Src: ap("192.0.2.20:20002"), Dst: ap("198.51.100.7:30000"), SSRC: 0x4444, Seq0: 2000, ToneHz: 880, Packets: 120, LoseEvery: 29, DupEvery: 7},
			Start:     epoch().Add(500 * time.Millisecond),
		},
	}
}
