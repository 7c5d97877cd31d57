package rtpcapture_test

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
	"golang.org/x/sys/unix"
)

// benchLegs is the load the issue asks for: 2,000 concurrent G.711 legs, 100 packets/s
// each, about 200k packets/s.
const benchLegs = 2000

// countingSink takes records without keeping them, counting delivered payload bytes of
// the first party's view so the benchmark can check nothing was lost.
type countingSink struct {
	bytes   atomic.Int64
	records atomic.Int64
}

func (s *countingSink) Submit(_ context.Context, r *record.Record) error {
	s.records.Add(1)
	if r.MessagingCC != nil && r.Identities[0].Value == "caller" {
		s.bytes.Add(int64(len(r.MessagingCC.Content)))
	}
	return nil
}

// seqFor swaps two packets in every 50, so the reorder buffer has real work.
func seqFor(round int) uint16 {
	switch round % 50 {
	case 48:
		return uint16(round + 1)
	case 49:
		return uint16(round - 1)
	}
	return uint16(round)
}

func benchPackets(b *testing.B) [][]byte {
	b.Helper()
	pkts := make([][]byte, benchLegs)
	payload := make([]byte, 160)
	for l := range pkts {
		raw, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SSRC: uint32(l + 1)}, Payload: payload}).Marshal()
		if err != nil {
			b.Fatal(err)
		}
		pkts[l] = raw
	}
	return pkts
}

// patch writes the round's sequence number and timestamp into a packet's header.
func patch(raw []byte, round int) {
	s := seqFor(round)
	binary.BigEndian.PutUint16(raw[2:], s)
	binary.BigEndian.PutUint32(raw[4:], uint32(s)*160)
}

// BenchmarkRTPPath runs rounds of one packet per leg over 2,000 legs: "bare" only
// unmarshals with pion/rtp, "pipeline" pushes through Leg (unmarshal, reorder buffer,
// 200 ms chunking into MessagingCC for two party views), "-reuse" with
// SessionConfig.ReuseBuffers, "-release" with a sink that releases each record at once.
// Run with -cpu 1; "ratio" interleaves bare and pipeline round by round and reports the
// issue's ≥ 50 % criterion, "ratio-floor" the ceiling of that criterion here.
func BenchmarkRTPPath(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		pkts := benchPackets(b)
		var p rtp.Packet
		var sum int
		b.ReportAllocs()
		b.ResetTimer()
		for round := 0; round < b.N; round++ {
			for _, raw := range pkts {
				patch(raw, round)
				if err := p.Unmarshal(raw); err != nil {
					b.Fatal(err)
				}
				sum += len(p.Payload)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N*benchLegs)/b.Elapsed().Seconds(), "pkts/s")
		if sum != b.N*benchLegs*160 {
			b.Fatal("payload bytes miscounted")
		}
	})
	for _, mode := range []string{"", "-reuse", "-release"} {
		benchPipeline(b, mode)
	}
	benchFloor(b)
}

// benchFloor measures the least any such pipeline must do, interleaved with the bare
// loop like "ratio": copy each payload into its leg's 200 ms chunk buffer, because the
// caller reuses the packet buffer. With 2,000 legs those buffers (3.2 MB) live outside
// the core's caches while the bare loop's packets stay in them, so floor_%_of_bare is
// the ceiling of pipeline_%_of_bare on the machine that ran it.
func benchFloor(b *testing.B) {
	b.Run("ratio-floor", func(b *testing.B) {
		pkts := benchPackets(b)
		chunkBytes := 160 * int(rtpcapture.DefaultChunk/(20*time.Millisecond))
		bufs := make([][]byte, len(pkts))
		for l := range bufs {
			bufs[l] = make([]byte, 0, chunkBytes)
		}
		var p rtp.Packet
		var bare, floor time.Duration
		var sum int
		b.ResetTimer()
		for round := 0; round < b.N; round++ {
			for _, raw := range pkts {
				patch(raw, round)
			}
			t0 := cpuTime(b)
			for _, raw := range pkts {
				if err := p.Unmarshal(raw); err != nil {
					b.Fatal(err)
				}
			}
			t1 := cpuTime(b)
			for l, raw := range pkts {
				buf := bufs[l]
				if len(buf)+len(raw)-12 > cap(buf) {
					sum += len(buf)
					buf = buf[:0]
				}
				bufs[l] = append(buf, raw[12:]...)
			}
			t2 := cpuTime(b)
			bare += t1 - t0
			floor += t2 - t1
		}
		b.StopTimer()
		for _, buf := range bufs {
			sum += len(buf)
		}
		if sum != b.N*benchLegs*160 {
			b.Fatal("payload bytes miscounted")
		}
		n := float64(b.N * benchLegs)
		b.ReportMetric(n/bare.Seconds(), "bare_pkts/s")
		b.ReportMetric(n/floor.Seconds(), "floor_pkts/s")
		b.ReportMetric(100*bare.Seconds()/floor.Seconds(), "floor_%_of_bare")
	})
}

// benchReleaseSink is countingSink as a record.ReleaseSink that is done with each record
// when SubmitRelease returns, so that legs recycle their chunks.
type benchReleaseSink struct{ countingSink }

func (s *benchReleaseSink) SubmitRelease(ctx context.Context, r *record.Record, release func()) error {
	err := s.Submit(ctx, r)
	if err == nil {
		release()
	}
	return err
}

// benchPipeline runs the pipeline with fresh memory per chunk (mode ""), with
// SessionConfig.ReuseBuffers ("-reuse") or with a record.ReleaseSink ("-release").
func benchPipeline(b *testing.B, mode string) {
	newSink := func() (record.Sink, *countingSink) {
		if mode == "-release" {
			s := &benchReleaseSink{}
			return s, &s.countingSink
		}
		s := &countingSink{}
		return s, s
	}
	reuse := mode == "-reuse"
	b.Run("pipeline"+mode, func(b *testing.B) {
		ctx := context.Background()
		pkts := benchPackets(b)
		sink, counts := newSink()
		legs := benchLegsFor(b, sink, reuse)
		at := time.Unix(1, 0)
		b.ReportAllocs()
		b.ResetTimer()
		for round := 0; round < b.N; round++ {
			for l, raw := range pkts {
				patch(raw, round)
				if err := legs[l].Push(ctx, raw, at); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N*benchLegs)/b.Elapsed().Seconds(), "pkts/s")
		checkNoLoss(b, legs, counts)
	})
	// ratio interleaves the two on the same packets round by round and measures the
	// process's CPU time, not wall time, so that other work on a shared machine does
	// not count; pipeline_%_of_bare is the criterion.
	b.Run("ratio"+mode, func(b *testing.B) {
		ctx := context.Background()
		pkts := benchPackets(b)
		sink, counts := newSink()
		legs := benchLegsFor(b, sink, reuse)
		at := time.Unix(1, 0)
		var p rtp.Packet
		var bare, pipe time.Duration
		b.ResetTimer()
		for round := 0; round < b.N; round++ {
			for _, raw := range pkts {
				patch(raw, round)
			}
			t0 := cpuTime(b)
			for _, raw := range pkts {
				if err := p.Unmarshal(raw); err != nil {
					b.Fatal(err)
				}
			}
			t1 := cpuTime(b)
			for l, raw := range pkts {
				if err := legs[l].Push(ctx, raw, at); err != nil {
					b.Fatal(err)
				}
			}
			t2 := cpuTime(b)
			bare += t1 - t0
			pipe += t2 - t1
		}
		b.StopTimer()
		n := float64(b.N * benchLegs)
		b.ReportMetric(n/bare.Seconds(), "bare_pkts/s")
		b.ReportMetric(n/pipe.Seconds(), "pipeline_pkts/s")
		b.ReportMetric(100*bare.Seconds()/pipe.Seconds(), "pipeline_%_of_bare")
		checkNoLoss(b, legs, counts)
	})
}

// cpuTime is the CPU time the process used so far (all threads: GC workers count).
func cpuTime(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}

func benchLegsFor(b *testing.B, sink record.Sink, reuse bool) []*rtpcapture.Leg {
	b.Helper()
	legs := make([]*rtpcapture.Leg, benchLegs)
	for l := range legs {
		s, err := rtpcapture.NewSession(context.Background(), rtpcapture.SessionConfig{
			Source: "bench", CorrelationKey: "k", Sink: sink, Log: zerolog.Nop(), ReuseBuffers: reuse,
			Parties: []rtpcapture.Party{
				{Side: rtpcapture.SideCaller, Identities: []record.Identity{{Kind: record.IdentitySIPURI, Value: "caller"}}},
				{Side: rtpcapture.SideUM, Identities: []record.Identity{{Kind: record.IdentityBoxID, Value: "box"}}},
			},
		}, time.Unix(0, 0))
		if err != nil {
			b.Fatal(err)
		}
		legs[l] = s.NewLeg(rtpcapture.SideCaller, nil)
	}
	return legs
}

// checkNoLoss closes the legs and fails the benchmark unless every payload byte sent
// was delivered: the issue asks for zero loss at this load.
func checkNoLoss(b *testing.B, legs []*rtpcapture.Leg, sink *countingSink) {
	b.Helper()
	var lost uint64
	for _, leg := range legs {
		st := leg.Close(context.Background())
		lost += st.Reorder.Lost + st.Reorder.Late + st.Reorder.Duplicates
	}
	want := int64(b.N) * int64(benchLegs) * 160
	if b.N%50 == 49 {
		// The run stopped inside a swap: the packet the last one overtook was never
		// sent, and counts as lost at Close; every packet sent was delivered.
		lost -= uint64(benchLegs)
	}
	if lost != 0 || sink.bytes.Load() != want {
		b.Fatalf("loss: %d packets lost/late/duplicate, %d payload bytes delivered of %d", lost, sink.bytes.Load(), want)
	}
}
