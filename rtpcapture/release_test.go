package rtpcapture_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/rtpcapture"
)

// releasingSink is a record.ReleaseSink that keeps a copy of each record's content, and
// checks at release that the leg did not touch the content it lent meanwhile. It
// releases at once (lag 0) or once lag later records arrived, from another goroutine.
type releasingSink struct {
	lag     int
	refuse  int // SubmitRelease calls to refuse first
	mu      sync.Mutex
	wg      sync.WaitGroup
	got     map[string][][]byte // content per identity, in order
	held    []heldRecord
	bufs    map[*byte]bool // backing arrays seen
	reused  int            // records whose content reused a released backing array
	calls   int
	errs    []error
	release int
}

type heldRecord struct {
	r       *record.Record
	content []byte
	release func()
}

var errRefused = errors.New("refused")

// Submit takes what the leg does not lend: the empty end-of-sequence chunk.
func (s *releasingSink) Submit(_ context.Context, r *record.Record) error {
	if r.MessagingCC != nil && len(r.MessagingCC.Content) > 0 {
		return errors.New("content submitted without release")
	}
	return nil
}

func (s *releasingSink) SubmitRelease(_ context.Context, r *record.Record, release func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.refuse {
		return errRefused
	}
	c := r.MessagingCC.Content
	if cap(c) > 0 {
		p := &c[:1][0]
		if s.bufs[p] {
			s.reused++
		}
		s.bufs[p] = true
	}
	s.got[r.Identities[0].Value] = append(s.got[r.Identities[0].Value], bytes.Clone(c))
	s.held = append(s.held, heldRecord{r, bytes.Clone(c), release})
	if len(s.held) > s.lag {
		batch := s.held
		s.held = nil
		s.wg.Add(1)
		release := func() {
			defer s.wg.Done()
			s.releaseAll(batch)
		}
		if s.lag == 0 {
			release()
		} else {
			go func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				release()
			}()
		}
	}
	return nil
}

// releaseAll releases a batch; s.mu is held.
func (s *releasingSink) releaseAll(batch []heldRecord) {
	for _, h := range batch {
		if !bytes.Equal(h.r.MessagingCC.Content, h.content) {
			s.errs = append(s.errs, errors.New("content changed before release"))
		}
		s.release++
		h.release()
	}
}

func TestLegRecyclesReleasedChunks(t *testing.T) {
	for _, tc := range []struct {
		name        string
		lag, refuse int
	}{
		{"released at once", 0, 0},
		{"released later from another goroutine", 3, 0},
		{"refused then taken", 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sink := &releasingSink{lag: tc.lag, refuse: tc.refuse, got: map[string][][]byte{}, bufs: map[*byte]bool{}}
			s, err := rtpcapture.NewSession(ctx, rtpcapture.SessionConfig{
				Source: "srs-test", CorrelationKey: "k", Sink: sink, Connect: rtpcapture.ConnectNone,
				Parties: []rtpcapture.Party{
					{Side: rtpcapture.SideCaller, Identities: []record.Identity{callerID}},
					{Side: rtpcapture.SideUM, Identities: []record.Identity{boxID}},
				},
			}, time.Unix(1000, 0))
			if err != nil {
				t.Fatal(err)
			}
			leg := s.NewLeg(rtpcapture.SideCaller, nil)
			const n = 200 // 4 s of 20 ms packets: 20 chunks
			var want []byte
			for i := 0; i < n; i++ {
				seq := i
				if i%10 == 4 {
					seq = i + 1 // swapped pairs go through the reorder buffer
				} else if i%10 == 5 {
					seq = i - 1
				}
				if err := leg.Push(ctx, rtpPacket(t, 5, uint16(seq), uint32(seq*160), 0, tone(seq)), time.Unix(1000, 0)); err != nil {
					t.Fatal(err)
				}
				want = append(want, tone(i)...)
			}
			st := leg.Close(ctx)
			sink.wg.Wait()
			sink.mu.Lock()
			defer sink.mu.Unlock()
			sink.releaseAll(sink.held)
			for _, e := range sink.errs {
				t.Error(e)
			}
			for _, id := range []string{callerID.Value, boxID.Value} {
				if got := bytes.Join(sink.got[id], nil); !bytes.Equal(got, want) {
					t.Errorf("%s: %d content bytes delivered, want the %d pushed, in order", id, len(got), len(want))
				}
			}
			if records := 2 * int(st.Chunks); st.Chunks == 0 || sink.release != records {
				t.Errorf("%d releases for %d records", sink.release, records)
			}
			if tc.lag == 0 && sink.reused == 0 {
				// Released before the next chunk opens, so every later chunk reuses.
				t.Error("no chunk reused a released buffer")
			}
			if st.SubmitErrors != 0 || st.Reorder.Lost != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}
