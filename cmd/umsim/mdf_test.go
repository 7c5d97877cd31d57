package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/umli/umli/handover/x2x3"
)

// TestMDFWritesStreamsAndJSON: umsim mdf answers a keep-alive, keeps the X2 PDUs as sent
// and decodes them to JSON with the sequence gap flagged.
func TestMDFWritesStreamsAndJSON(t *testing.T) {
	dir := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- runMDF(ctx, []string{"--x2", addr, "--dir", dir}, &out, &errb) }()
	var c net.Conn
	var err error
	for i := 0; i < 200; i++ {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dial umsim mdf: %v", err)
	}
	xid := uuid.New()
	var sent []byte
	for _, seq := range []uint32{0, 1, 3} {
		b, err := x2x3.Wrap(x2x3.TypeX2, xid, 9, seq, time.Unix(1, 0), x2x3.DirToTarget, []byte{0x30, 0})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, b...)
	}
	if _, err := c.Write(append(append([]byte(nil), sent...), x2x3.KeepAlive(0)...)); err != nil {
		t.Fatal(err)
	}
	ack := make([]byte, x2x3.HeaderLen+8)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(ack); err != nil || !x2x3.IsKeepAliveAck(ack) {
		t.Fatalf("no keep-alive ack: %v", err)
	}
	c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("umsim mdf: %v (%s)", err, errb.String())
	}
	bin, _ := os.ReadFile(filepath.Join(dir, "x2.bin"))
	if !bytes.Equal(bin, sent) {
		t.Errorf("x2.bin holds %d bytes, sent %d", len(bin), len(sent))
	}
	js, _ := os.ReadFile(filepath.Join(dir, "x2.json"))
	var recs []mdfRecord
	if err := json.Unmarshal(js, &recs); err != nil || len(recs) != 3 {
		t.Fatalf("x2.json: %v, %d records", err, len(recs))
	}
	if recs[0].XID != xid.String() || recs[1].Gap || !recs[2].Gap || *recs[2].Seq != 3 {
		t.Errorf("records %+v", recs)
	}
	if !strings.Contains(out.String(), "x2 listening on") {
		t.Errorf("stdout %q", out.String())
	}
}
