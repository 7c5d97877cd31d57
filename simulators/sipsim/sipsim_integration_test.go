package sipsim_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/siprec"
	"github.com/umli/umli/simulators/sipsim"
)

// numbered is a record with the numbers mediation's session store gave it.
type numbered struct {
	rec *record.Record
	n   session.Numbers
}

// numberingSink numbers every record with mediation's Redis session store (real
// redis-server), so the test sees the CIN and event-identifier mediation will put on
// the wire.
type numberingSink struct {
	store *session.Store
	mu    sync.Mutex
	got   []numbered
}

func (s *numberingSink) Submit(ctx context.Context, r *record.Record) error {
	kind := session.IRI
	if r.MessagingCC != nil {
		kind = session.CC
	}
	n, err := s.store.Step(ctx, &session.Step{NE: r.Source, CorrelationKey: r.CorrelationKey, Boundary: r.Boundary,
		Kind: kind, EventKey: r.EventKey, ID: s.store.NewID(), Now: r.Time})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, numbered{r, n})
	return nil
}

func (s *numberingSink) records() []numbered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]numbered(nil), s.got...)
}

type keys struct {
	mu  sync.Mutex
	got []byte
}

func (k *keys) DTMF(_ context.Context, ev rtpcapture.DTMFEvent) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.got = append(k.got, ev.Key)
}

func startSRS(t *testing.T, transport string, sink record.Sink, dtmf rtpcapture.DTMFHandler) string {
	t.Helper()
	ep, err := siprec.New(siprec.Config{Source: "srs-1", Sink: sink, DTMF: dtmf, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var addr string
	switch transport {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = pc.LocalAddr().String()
		go func() { defer close(done); _ = ep.ServeUDP(ctx, pc) }()
	case "tcp":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = l.Addr().String()
		go func() { defer close(done); _ = ep.ServeTCP(ctx, l) }()
	}
	t.Cleanup(func() {
		cancel()
		<-done
		if err := ep.Close(); err != nil {
			t.Errorf("close endpoint: %v", err)
		}
	})
	return addr
}

func newStore(t *testing.T) *session.Store {
	t.Helper()
	srv := testredis.Start(t)
	rdb := srv.Client(t)
	st, err := session.New(rdb, session.Config{Instance: "sipsim-test", IdleTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// ccOf returns the MessagingCC records of a party's view with content identifier cid.
func ccOf(recs []numbered, id record.Identity, cid uint32) []numbered {
	var out []numbered
	for _, r := range recs {
		m := r.rec.MessagingCC
		if m == nil || *m.ContentIdentifier != cid {
			continue
		}
		for _, i := range r.rec.Identities {
			if i == id {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func content(cc []numbered, ct string) []byte {
	var b []byte
	for _, r := range cc {
		if r.rec.MessagingCC.ContentType == ct {
			b = append(b, r.rec.MessagingCC.Content...)
		}
	}
	return b
}

// connectOf finds the connect IRI of a party.
func connectOf(t *testing.T, recs []numbered, id record.Identity) numbered {
	t.Helper()
	for _, r := range recs {
		iri := r.rec.MessagingIRI
		if iri == nil || iri.Category == nil || iri.Category.MessageBox == nil || *iri.Category.MessageBox != etsi.BoxConnect {
			continue
		}
		for _, i := range r.rec.Identities {
			if i == id {
				return r
			}
		}
	}
	t.Fatalf("no connect IRI for %v", id)
	return numbered{}
}

func TestSimulatorDepositLinksCCToConnect(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			sink := &numberingSink{store: newStore(t)}
			srs := startSRS(t, transport, sink, nil)
			res, err := sipsim.Deposit(ctx, sipsim.Config{SRS: srs, Transport: transport, Duration: time.Second, Log: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			box := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
			caller := record.Identity{Kind: record.IdentityE164, Value: "+4917011111"}
			recs := waitEnded(ctx, t, sink, box, 2)
			for _, v := range []struct {
				who       record.Identity
				cid       uint32
				dir       etsi.PayloadDirection
				wantAudio []byte
			}{
				{box, rtpcapture.ContentToTarget, etsi.DirectionToTarget, res.CallerAudio},
				{box, rtpcapture.ContentFromTarget, etsi.DirectionFromTarget, res.UMAudio},
				{caller, rtpcapture.ContentFromTarget, etsi.DirectionFromTarget, res.CallerAudio},
				{caller, rtpcapture.ContentToTarget, etsi.DirectionToTarget, res.UMAudio},
			} {
				conn := connectOf(t, recs, v.who)
				if conn.rec.CorrelationKey != res.PlatformUUID || conn.n.EventID == 0 {
					t.Fatalf("%v connect: key %q event-identifier %d", v.who, conn.rec.CorrelationKey, conn.n.EventID)
				}
				cc := ccOf(recs, v.who, v.cid)
				if len(cc) == 0 {
					t.Fatalf("%v cid %d: no CC", v.who, v.cid)
				}
				for i, r := range cc {
					if r.n.EventID != conn.n.EventID || r.n.CIN != conn.n.CIN || r.rec.Direction != v.dir || *r.rec.MessagingCC.SequenceNumber != uint32(i) {
						t.Errorf("%v cid %d chunk %d: cin %d event-identifier %d dir %v, connect has cin %d event-identifier %d",
							v.who, v.cid, i, r.n.CIN, r.n.EventID, r.rec.Direction, conn.n.CIN, conn.n.EventID)
					}
				}
				if got := content(cc, "audio/PCMU"); !bytes.Equal(got, v.wantAudio) {
					t.Errorf("%v cid %d: %d bytes of PCMU, want the %d bytes sent, sample-exact", v.who, v.cid, len(got), len(v.wantAudio))
				}
			}
		})
	}
}

func TestSimulatorRetrieveWithKeys(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sink := &numberingSink{store: newStore(t)}
	k := &keys{}
	srs := startSRS(t, "udp", sink, k)
	res, err := sipsim.Retrieve(ctx, sipsim.Config{SRS: srs, Duration: time.Second, Keys: "7*#", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	owner := record.Identity{Kind: record.IdentityBoxID, Value: "2000@um.example"}
	recs := waitEnded(ctx, t, sink, owner, 2)
	conn := connectOf(t, recs, owner)
	from := ccOf(recs, owner, rtpcapture.ContentFromTarget)
	to := ccOf(recs, owner, rtpcapture.ContentToTarget)
	if got := content(from, "audio/PCMU"); !bytes.Equal(got, res.CallerAudio) {
		t.Errorf("owner's voice: %d bytes, want %d", len(got), len(res.CallerAudio))
	}
	if got := content(from, "audio/telephone-event"); len(got) != 4*6*len(res.Keys) {
		t.Errorf("telephone-event content: %d bytes, want %d", len(got), 4*6*len(res.Keys))
	}
	if got := content(to, "audio/PCMU"); !bytes.Equal(got, res.UMAudio) {
		t.Errorf("playback: %d bytes, want %d", len(got), len(res.UMAudio))
	}
	for _, r := range append(from, to...) {
		if r.n.EventID != conn.n.EventID || r.rec.CorrelationKey != res.PlatformUUID {
			t.Errorf("CC event-identifier %d key %q, connect %d %q", r.n.EventID, r.rec.CorrelationKey, conn.n.EventID, res.PlatformUUID)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if string(k.got) != res.Keys {
		t.Errorf("keys reported %q, want %q", k.got, res.Keys)
	}
}

// waitEnded waits until n legs of a party's view have delivered end-of-sequence.
func waitEnded(ctx context.Context, t *testing.T, sink *numberingSink, id record.Identity, n int) []numbered {
	t.Helper()
	for {
		recs := sink.records()
		ended := 0
		for _, cid := range []uint32{0, 1} {
			cc := ccOf(recs, id, cid)
			if len(cc) > 0 && cc[len(cc)-1].rec.MessagingCC.EndOfSequence {
				ended++
			}
		}
		if ended >= n {
			return recs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("legs of %v did not end: %d of %d", id, ended, n)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestRunCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sink := &numberingSink{store: newStore(t)}
	srs := startSRS(t, "udp", sink, nil)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	err := sipsim.RunCommand(ctx, []string{"--srs", srs, "--mode", "deposit", "--duration", "400ms", "--uuid", "u-1", "--wav-dir", dir}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "deposit\t") || !strings.Contains(out.String(), "uuid=u-1") || !strings.Contains(out.String(), "caller_bytes=3200") {
		t.Errorf("output = %q", out.String())
	}
	wav, err := os.ReadFile(filepath.Join(dir, "deposit-caller.wav"))
	if err != nil || len(wav) != 58+3200 || string(wav[:4]) != "RIFF" || wav[20] != 7 {
		t.Errorf("caller WAV: %d bytes, %v", len(wav), err)
	}
	if err := sipsim.RunCommand(ctx, []string{"--mode", "sing"}, &out, &errOut); err == nil {
		t.Error("--mode sing accepted")
	}
}
