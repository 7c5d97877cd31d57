package handover

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/umli/umli/internal/testredis"
)

// TestEnqueueBatches: several queues in one call, each batch appended or refused on its
// own (the caller retries only what failed), in order; after SCRIPT FLUSH the pipelined
// call still runs each batch exactly once.
func TestEnqueueBatches(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	d := testDestination("lea1", "127.0.0.1:1", "127.0.0.1:2")
	d.MaxBufferedBytes = 4 * testPDUSize
	in := newInstance(t, testConfig(d), rdb)
	ctx := context.Background()
	pdus := func(from, n int) [][]byte {
		var out [][]byte
		for i := range n {
			out = append(out, testPDU(uint64(from+i), testPDUSize))
		}
		return out
	}
	for _, round := range []struct {
		name    string
		flush   bool
		batches []Batch
		want    []error
	}{
		{"two queues", false, []Batch{{"lea1", HI2, pdus(0, 2)}, {"lea1", HI3, pdus(100, 3)}}, []error{nil, nil}},
		{"one full, one unknown, one empty PDU, one fits", true, []Batch{
			{"lea1", HI3, pdus(103, 2)}, {"nope", HI2, pdus(0, 1)}, {"lea1", HI2, [][]byte{{}}}, {"lea1", HI2, pdus(2, 2)},
		}, []error{ErrQueueFull, ErrUnknownDestination, ErrBadPDU, nil}},
		{"nothing to add", false, []Batch{{"lea1", HI2, nil}, {"lea1", HI3, nil}}, []error{nil, nil}},
	} {
		t.Run(round.name, func(t *testing.T) {
			if round.flush {
				if err := rdb.ScriptFlush(ctx).Err(); err != nil {
					t.Fatal(err)
				}
			}
			errs := in.h.EnqueueBatches(ctx, round.batches)
			if len(errs) != len(round.want) {
				t.Fatalf("%d results for %d batches", len(errs), len(round.want))
			}
			for i, err := range errs {
				if !errors.Is(err, round.want[i]) || (round.want[i] == nil) != (err == nil) {
					t.Errorf("batch %d: %v, want %v", i, err, round.want[i])
				}
			}
		})
	}
	for _, tc := range []struct {
		hi   HI
		want []uint64
	}{{HI2, []uint64{0, 1, 2, 3}}, {HI3, []uint64{100, 101, 102}}} {
		msgs, err := rdb.XRange(ctx, streamKeys("t:", "lea1", tc.hi).stream, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for _, m := range msgs {
			for _, p := range entryPDUs(t, m) {
				got = append(got, binary.BigEndian.Uint64(p[4:12]))
			}
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s holds %v, want %v", tc.hi, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%s holds %v, want %v", tc.hi, got, tc.want)
			}
		}
	}
	if st := in.h.Stats(); st[0].Enqueued != 4 || st[1].Enqueued != 3 {
		t.Fatalf("enqueued counts %+v", st)
	}
}
