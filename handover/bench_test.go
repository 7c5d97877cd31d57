package handover

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// The writer benchmarks measure the real session (fetcher goroutine doing XREAD batches from
// a real redis-server, writer goroutine writing them through the buffered socket writer,
// fenced progress records + XTRIM to the resend window) draining b.N pre-encoded 300-byte
// PDUs that were enqueued before the timer started. The bare benchmarks write the same
// PDUs with one net.Conn Write per PDU. Both stop when the last write returned.

func benchTLS(b *testing.B) (*tls.Config, *TLSConfig) {
	ca := newTestCA(b, "bench-ca")
	return tlsSetup(b, ca, ca)
}

func benchWriter(b *testing.B, useTLS bool) {
	srv := testredis.Start(b)
	rdb := testRedis(b, srv)
	var serverCfg *tls.Config
	var clientCfg *TLSConfig
	if useTLS {
		serverCfg, clientCfg = benchTLS(b)
	}
	lemf := startPeer(b, serverCfg, true)
	d := testDestination("lea1", lemf.addr, "")
	d.KeepAliveInterval, d.KeepAlive, d.IsKeepAliveResponse = 0, nil, nil
	d.TLS = clientCfg
	cfg := testConfig(d)
	cfg.BatchSize = DefaultBatchSize
	cfg.LeaseTTL = time.Minute
	in := newInstance(b, cfg, rdb)
	s := in.h.streams[streamName{"lea1", HI2}]
	ctx := context.Background()
	if ok, err := s.acquire(ctx); !ok || err != nil {
		b.Fatalf("lease: %v %v", ok, err)
	}
	pdu := testPDU(0, testPDUSize)
	batch := make([][]byte, 1000)
	for i := range batch {
		batch[i] = pdu
	}
	for k := 0; k < b.N; k += len(batch) {
		if err := s.enqueue(ctx, batch[:min(len(batch), b.N-k)]); err != nil {
			b.Fatal(err)
		}
	}
	conn, err := s.dial(ctx)
	if err != nil {
		b.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	b.SetBytes(int64(len(pdu)))
	b.ReportAllocs()
	b.ResetTimer()
	go func() { done <- s.session(sctx, conn) }()
	for s.sent.Load() < int64(b.N) {
		select {
		case err := <-done:
			b.Fatalf("session ended: %v", err)
		case <-time.After(100 * time.Microsecond):
		}
	}
	b.StopTimer()
	cancel()
	<-done
	want := int64(b.N) * int64(len(pdu))
	waitFor(b, "LEMF received every byte", func() bool { return lemf.bytes.Load() >= want })
	if l, err := rdb.XLen(ctx, s.keys.stream).Result(); err != nil || l > int64(d.ResendWindow) {
		b.Fatalf("stream holds %d (%v) after delivery", l, err)
	}
}

func benchBare(b *testing.B, useTLS bool) {
	var serverCfg *tls.Config
	var clientCfg *TLSConfig
	if useTLS {
		serverCfg, clientCfg = benchTLS(b)
	}
	lemf := startPeer(b, serverCfg, true)
	var conn net.Conn
	var err error
	if useTLS {
		c, lerr := tls.LoadX509KeyPair(clientCfg.CertFile, clientCfg.KeyFile)
		if lerr != nil {
			b.Fatal(lerr)
		}
		pool := x509.NewCertPool()
		pool.AddCert(serverCfg.Certificates[0].Leaf)
		cfg, lerr := clientCfg.load()
		if lerr != nil {
			b.Fatal(lerr)
		}
		cfg.Certificates = []tls.Certificate{c}
		conn, err = tls.Dial("tcp", lemf.addr, cfg)
	} else {
		conn, err = net.Dial("tcp", lemf.addr)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	pdu := testPDU(0, testPDUSize)
	b.SetBytes(int64(len(pdu)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := conn.Write(pdu); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriterTCP: Redis Stream → socket, plain TCP.
func BenchmarkWriterTCP(b *testing.B) { benchWriter(b, false) }

// BenchmarkBareConnTCP: one net.Conn Write per PDU, plain TCP.
func BenchmarkBareConnTCP(b *testing.B) { benchBare(b, false) }

// BenchmarkWriterTLS: Redis Stream → socket, TLS 1.3 with client certificate.
func BenchmarkWriterTLS(b *testing.B) { benchWriter(b, true) }

// BenchmarkBareConnTLS: one tls.Conn Write per PDU.
func BenchmarkBareConnTLS(b *testing.B) { benchBare(b, true) }

// BenchmarkEnqueue: one Enqueue call per 100 PDUs of 300 bytes into a real redis-server
// (appendonly, appendfsync always, as internal/testredis runs it).
func BenchmarkEnqueue(b *testing.B) {
	srv := testredis.Start(b)
	rdb := testRedis(b, srv)
	in := newInstance(b, testConfig(testDestination("lea1", "127.0.0.1:1", "")), rdb)
	batch := make([][]byte, 100)
	for i := range batch {
		batch[i] = testPDU(uint64(i), testPDUSize)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(batch) * testPDUSize))
	b.ResetTimer()
	for range b.N {
		if err := in.h.Enqueue(ctx, "lea1", HI2, batch...); err != nil {
			b.Fatal(err)
		}
	}
}
