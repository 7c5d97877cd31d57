package sdpinfo

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestParseSDPSiprec(t *testing.T) {
	body, err := os.ReadFile("testdata/siprec.sdp")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseSDP(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Streams) != 2 {
		t.Fatalf("streams = %d", len(d.Streams))
	}
	s0, s1 := d.Streams[0], d.Streams[1]
	if s0.Label != "1" || s0.Port != 12240 || s0.Addr != netip.MustParseAddr("198.51.100.1") || s0.Dir != SendOnly ||
		!slices.Equal(s0.Formats, []uint8{0, 8, 101}) || s0.PayloadTypes.Lookup(101).ContentType() != "audio/telephone-event" {
		t.Errorf("stream 0 = %+v", s0)
	}
	if s1.Label != "2" || s1.Addr != netip.MustParseAddr("198.51.100.2") || s1.PayloadTypes.Lookup(96).Name != "opus" ||
		s1.PayloadTypes.Lookup(96).ClockRate != 48000 || s1.PayloadTypes.Lookup(96).Channels != 2 {
		t.Errorf("stream 1 = %+v", s1)
	}
}

func sdpWith(media string) []byte {
	return []byte("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" + media)
}

func TestParseSDPRefuses(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"garbage", []byte("hello"), "sdp:"},
		{"no audio", sdpWith("m=video 5000 RTP/AVP 96\r\n"), ErrNoAudio.Error()},
		{"privileged port", sdpWith("m=audio 53 RTP/AVP 0\r\n"), "rtp port 53"},
		{"huge port", sdpWith("m=audio 70000 RTP/AVP 0\r\n"), "70000"},
		{"multicast", sdpWith("m=audio 5000 RTP/AVP 0\r\nc=IN IP4 239.1.1.1\r\n"), "multicast"},
		{"hostname", sdpWith("m=audio 5000 RTP/AVP 0\r\nc=IN IP4 media.example\r\n"), "not an IP address"},
		{"bad payload type", sdpWith("m=audio 5000 RTP/AVP 200\r\n"), "payload type \"200\""},
		{"bad rtpmap", sdpWith("m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n"), "a=rtpmap:96 opus"},
		{"too large", sdpWith(strings.Repeat("a=x\r\n", MaxSDPSize/4)), ErrSDPTooLarge.Error()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSDP(tc.body)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func TestParseSDPHoldAndDisabled(t *testing.T) {
	d, err := ParseSDP(sdpWith("m=audio 0 RTP/AVP 0\r\nm=audio 6000 RTP/AVP 8\r\nc=IN IP4 0.0.0.0\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Streams[0].Port != 0 || d.Streams[1].Dir != Inactive {
		t.Errorf("streams = %+v", d.Streams)
	}
}

func TestParseMetadata(t *testing.T) {
	body, err := os.ReadFile("testdata/metadata.xml")
	if err != nil {
		t.Fatal(err)
	}
	md, err := ParseMetadata(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Participants) != 2 || md.PlatformUUID != "6f1c4e2a-0d7b-4a51-9b4e-1f2d3c4b5a69" {
		t.Fatalf("metadata = %+v", md)
	}
	p, ok := md.SenderOf("1")
	if !ok || !slices.Equal(p.AORs, []string{"sip:+4917011111@carrier.example"}) || !slices.Equal(p.Receives, []string{"2"}) {
		t.Errorf("sender of 1 = %+v", p)
	}
	p, ok = md.SenderOf("2")
	if !ok || !slices.Equal(p.AORs, []string{"sip:2000@um.example"}) {
		t.Errorf("sender of 2 = %+v", p)
	}
}

func TestParseMetadataOldForm(t *testing.T) {
	doc := `<recording xmlns='urn:ietf:params:xml:ns:recording'>
	<participant participant_id="p1"><nameID aor="tel:+4930123"/><send>s1</send></participant>
	<stream stream_id="s1"><label>a</label></stream></recording>`
	md, err := ParseMetadata([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := md.SenderOf("a"); !ok || p.AORs[0] != "tel:+4930123" {
		t.Errorf("metadata = %+v", md)
	}
}

func TestParseMetadataRefuses(t *testing.T) {
	tests := []struct {
		name, doc string
		want      error
	}{
		{"not xml", "{}", nil},
		{"no participants", "<recording/>", ErrNoParticipants},
		{"unknown assoc", `<recording><participant participant_id="a"/><participantstreamassoc participant_id="b"/></recording>`, nil},
		{"truncated", `<recording><participant participant_id="a">`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMetadata([]byte(tc.doc))
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSplitBody(t *testing.T) {
	sdpBody, _ := os.ReadFile("testdata/siprec.sdp")
	meta, _ := os.ReadFile("testdata/metadata.xml")
	var mp bytes.Buffer
	mp.WriteString("--foobar\r\nContent-Type: application/sdp\r\n\r\n")
	mp.Write(sdpBody)
	mp.WriteString("\r\n--foobar\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n")
	mp.Write(meta)
	mp.WriteString("\r\n--foobar--\r\n")
	b, err := SplitBody("multipart/mixed;boundary=foobar", mp.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.SDP, sdpBody) || !bytes.Equal(b.Metadata, meta) {
		t.Errorf("parts differ: sdp %d metadata %d bytes", len(b.SDP), len(b.Metadata))
	}
	if b, err := SplitBody("application/sdp", sdpBody); err != nil || !bytes.Equal(b.SDP, sdpBody) {
		t.Errorf("plain sdp: %v", err)
	}
	for _, ct := range []string{"text/plain", "multipart/mixed", "multipart/mixed;boundary=x", ";;"} {
		if _, err := SplitBody(ct, []byte("--x\r\n\r\nzz\r\n--x--")); err == nil {
			t.Errorf("content-type %q accepted", ct)
		}
	}
}

func TestAnswerMirrorsOffer(t *testing.T) {
	offer, err := ParseSDP(sdpWith("m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=label:1\r\na=sendonly\r\nm=video 5002 RTP/AVP 96\r\nm=audio 5004 RTP/AVP 8\r\na=label:2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	ans := Answer(offer, netip.MustParseAddr("192.0.2.9"), map[int]AnswerStream{0: {Port: 40000, Dir: RecvOnly}}, 1, 1)
	d, err := ParseSDP(ans)
	if err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, ans)
	}
	if len(d.Lines) != 3 || len(d.Streams) != 2 {
		t.Fatalf("answer lines = %+v", d.Lines)
	}
	s0, s2 := d.Streams[0], d.Streams[1]
	if s0.Port != 40000 || s0.Dir != RecvOnly || s0.Label != "1" || s0.Addr != netip.MustParseAddr("192.0.2.9") || s0.PayloadTypes[101].Name != "telephone-event" {
		t.Errorf("accepted stream = %+v", s0)
	}
	if s2.Port != 0 || d.Lines[1].Media != "video" {
		t.Errorf("refused lines = %+v %+v", s2, d.Lines[1])
	}
}
