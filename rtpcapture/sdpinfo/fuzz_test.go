package sdpinfo

import (
	"os"
	"testing"
)

func FuzzSDP(f *testing.F) {
	if b, err := os.ReadFile("testdata/siprec.sdp"); err == nil {
		f.Add(b)
	}
	f.Add(sdpWith("m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"))
	f.Add(sdpWith("m=audio 0 RTP/AVP 0\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseSDP(b)
		if err != nil {
			return
		}
		for _, s := range d.Streams {
			if s.Port != 0 && s.Port < 1024 {
				t.Fatalf("accepted privileged port %d", s.Port)
			}
			if s.Addr.IsValid() && s.Addr.IsMulticast() {
				t.Fatalf("accepted multicast %s", s.Addr)
			}
		}
	})
}

func FuzzRSMetadata(f *testing.F) {
	if b, err := os.ReadFile("testdata/metadata.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<recording><participant participant_id="p"><nameID aor="sip:a@b"/><send>s</send></participant><stream stream_id="s"><label>1</label></stream></recording>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		md, err := ParseMetadata(b)
		if err != nil {
			return
		}
		if len(md.Participants) == 0 {
			t.Fatal("accepted metadata without participants")
		}
		for _, p := range md.Participants {
			for _, l := range p.Sends {
				if _, ok := md.SenderOf(l); !ok {
					t.Fatalf("label %q sent but not found", l)
				}
			}
		}
		_, _ = SplitBody("multipart/mixed;boundary=b", b)
	})
}
