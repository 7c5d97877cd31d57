package siprec

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/internal/capturetest"
	"github.com/umli/umli/rtpcapture/pcapgen"
)

// freeUDPPort returns a port free at the time of asking, for sipp's own sockets.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func startEndpoint(t *testing.T, ctx context.Context, cfg Config) (*Endpoint, string) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MediaAddr == (netip.Addr{}) {
		cfg.MediaAddr = netip.MustParseAddr("127.0.0.1")
	}
	cfg.Log = zerolog.Nop()
	ep, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ep.ServeUDP(ctx, pc) }()
	t.Cleanup(func() {
		if err := ep.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		_ = pc.Close()
		<-done
	})
	return ep, pc.LocalAddr().String()
}

func TestSippInterop(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatal("sipp is required for this interop test: apt-get install sip-tester (scripts/install-deps.sh does it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sink := capturetest.NewSink()
	_, addr := startEndpoint(t, ctx, Config{Source: "srs-sipp", Sink: sink,
		// sipp plays the UM platform "fs-um-1": its records must carry the feed's Source.
		SourceByAddr: map[netip.Addr]string{netip.MustParseAddr("127.0.0.1"): "fs-um-1"}})

	dir := t.TempDir()
	var pcap bytes.Buffer
	stream := pcapgen.SippStream()
	if err := pcapgen.WriteStream(&pcap, stream, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	pcapPath := filepath.Join(dir, "audio.pcap")
	if err := os.WriteFile(pcapPath, pcap.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	scen, err := os.ReadFile("testdata/uac_pcap.xml")
	if err != nil {
		t.Fatal(err)
	}
	scenPath := filepath.Join(dir, "uac.xml")
	if err := os.WriteFile(scenPath, bytes.ReplaceAll(scen, []byte("PCAP_PATH"), []byte(pcapPath)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, sipp, "-sf", scenPath, "-m", "1", "-s", "2000", "-t", "u1",
		"-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(t)), "-mi", "127.0.0.1", "-mp", strconv.Itoa(freeUDPPort(t)&^1),
		"-timeout", "30s", "-timeout_error", "-nostdin", addr)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sipp failed: %v\n%s", err, lastLines(string(out), 30))
	}

	box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@127.0.0.1"}
	caller := record.Identity{Kind: record.IdentityE164, Value: "+4917011111"}
	recs, err := sink.WaitEnded(ctx, box, rtpcapture.ContentToTarget)
	if err != nil {
		t.Fatal(err)
	}
	want, err := stream.Expected(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		id  record.Identity
		cid uint32
		dir etsi.PayloadDirection
	}{{box, rtpcapture.ContentToTarget, etsi.DirectionToTarget}, {caller, rtpcapture.ContentFromTarget, etsi.DirectionFromTarget}} {
		cc := capturetest.CC(recs, v.id, v.cid)
		if len(cc) == 0 {
			t.Fatalf("%v: no MessagingCC", v.id)
		}
		for i, r := range cc {
			if r.MessagingCC.ContentType != "audio/PCMU" || r.Direction != v.dir || *r.MessagingCC.SequenceNumber != uint32(i) ||
				r.EventKey != rtpcapture.ConnectEventKey || r.Source != "fs-um-1" || !strings.HasPrefix(r.CorrelationKey, "sip:") {
				t.Errorf("%v chunk %d: %+v %+v", v.id, i, r, r.MessagingCC)
			}
		}
		if got := capturetest.Content(cc, "audio/PCMU"); !bytes.Equal(got, want) {
			t.Errorf("%v: content %d bytes differs from the %d bytes of payload sipp replayed", v.id, len(got), len(want))
		}
	}
	var connect *record.Record
	for _, r := range recs {
		if r.MessagingIRI != nil && r.MessagingIRI.Category.MessageBox != nil && *r.MessagingIRI.Category.MessageBox == etsi.BoxConnect {
			connect = r
		}
	}
	if connect == nil || connect.EventKey != rtpcapture.ConnectEventKey || connect.CorrelationKey != capturetest.CC(recs, box, 1)[0].CorrelationKey {
		t.Errorf("connect IRI = %+v", connect)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
