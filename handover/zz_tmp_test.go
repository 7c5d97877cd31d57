package handover

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/umli/umli/internal/testredis"
)

func TestTmpTiming(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	d := testDestination("lea1", "127.0.0.1:1", "")
	in := newInstance(t, testConfig(d), rdb)
	s := in.h.streams[streamName{"lea1", HI2}]
	ctx := context.Background()
	batch := make([][]byte, 1000)
	for i := range batch {
		batch[i] = testPDU(0, 300)
	}
	t0 := time.Now()
	for i := 0; i < 20; i++ {
		s.enqueue(ctx, batch)
	}
	t.Logf("enqueue 20000: %v", time.Since(t0))
	cursor := "0-0"
	var tr, tp time.Duration
	for i := 0; i < 39; i++ {
		t1 := time.Now()
		res, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{s.keys.stream, cursor}, Count: 512, Block: -1}).Result()
		tr += time.Since(t1)
		if err != nil {
			t.Fatal(err)
		}
		cursor = res[0].Messages[len(res[0].Messages)-1].ID
		t2 := time.Now()
		rdb.Set(ctx, "x", cursor, 0)
		tp += time.Since(t2)
	}
	t.Logf("xread 39x512: %v, set: %v", tr, tp)
	t3 := time.Now()
	for i := 0; i < 39; i++ {
		rdb.Do(ctx, "XRANGE", s.keys.stream, "-", "+", "COUNT", 512).Result()
	}
	t.Logf("raw xrange Do: %v", time.Since(t3))
}
