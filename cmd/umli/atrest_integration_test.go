package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/smtp"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// aofSealedEntries extracts the p and P values of every XADD in the AOF: copies of sealed
// stream entries an attacker holding the AOF has. multi holds the P values (several
// PDUs sealed as one, each preceded by its uvarint length).
func aofSealedEntries(t *testing.T, srv *testredis.Server) (out map[string][][]byte, multi map[string]bool) {
	t.Helper()
	out, multi = map[string][][]byte{}, map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(srv.Dir(), "appendonlydir", "*.incr.aof"))
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(srv.Dir(), "*.aof"))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(bytes.NewReader(b))
		for {
			args, err := readRESPArray(r)
			if err != nil {
				break
			}
			if len(args) > 4 && strings.EqualFold(string(args[0]), "XADD") {
				for i := 3; i+1 < len(args); i += 2 {
					if f := string(args[i]); f == "p" || f == "P" { // one PDU, or several sealed as one
						out[string(args[1])] = append(out[string(args[1])], args[i+1])
						multi[string(args[i+1])] = f == "P"
					}
				}
			}
		}
	}
	return out, multi
}

// packedCount is how many PDUs a P entry's opened content holds.
func packedCount(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	for len(b) > 0 {
		l, w := binary.Uvarint(b)
		if w <= 0 || l == 0 || l > uint64(len(b)-w) {
			t.Fatalf("multi-PDU entry framing broken after %d PDUs", n)
		}
		b = b[w+int(l):]
		n++
	}
	return n
}

func readRESPArray(r *bufio.Reader) ([][]byte, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[0] != '*' {
		return nil, nil // not an array start (e.g. a RDB preamble): skip the line
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return nil, err
	}
	args := make([][]byte, 0, n)
	for range n {
		h, err := r.ReadString('\n')
		if err != nil || len(h) < 3 || h[0] != '$' {
			return nil, fmt.Errorf("bad bulk header %q", h)
		}
		l, err := strconv.Atoi(strings.TrimSpace(h[1:]))
		if err != nil {
			return nil, err
		}
		b := make([]byte, l+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		args = append(args, b[:l])
	}
	return args, nil
}

// openCopy opens a copied stream entry the way handover does, with the keyring and the
// wrapped data key Redis holds now.
func openCopy(ctx context.Context, rdb *redis.Client, keys *seal.Keyring, stream string, sealed []byte) ([]byte, error) {
	id, err := seal.KeyID(sealed)
	if err != nil {
		return nil, err
	}
	dkHash := strings.TrimSuffix(stream, "q") + "dk"
	wrapped, err := rdb.HGet(ctx, dkHash, id).Bytes()
	if err != nil {
		return nil, fmt.Errorf("data key %s: %w", id, err)
	}
	raw, err := keys.OpenBinary(nil, wrapped, []byte(stream+"|"+id))
	if err != nil {
		return nil, err
	}
	k, err := seal.NewKey(id, raw)
	if err != nil {
		return nil, err
	}
	return k.Open(nil, sealed, []byte(stream))
}

// testKeyringFile writes a fresh keyring (mode 0600) for redis.keyringFile.
func testKeyringFile(t *testing.T, dir string) (string, *seal.Keyring) {
	t.Helper()
	text, err := seal.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "umli.keyring")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := seal.ParseKeyring(text, p)
	if err != nil {
		t.Fatal(err)
	}
	return p, k
}

// TestRunLeavesNothingReadableAtRest is the done-when test of issue 12: `umli run` on a
// real redis-server (appendonly yes, appendfsync always) takes target sessions from a UM
// feed (JSON lines); afterwards neither the keyspace, nor the AOF, nor a fresh RDB holds
// the target identity, the LIID or the content, while the LEMF got every record with the
// content byte-identical. Then the warrant ends: once its data is delivered, the sealed
// entries copied from the AOF earlier can no longer be opened (their data keys are gone).
func TestRunLeavesNothingReadableAtRest(t *testing.T) {
	rg := newRig(t)
	bin, srv, dir, lm := rg.bin, rg.srv, rg.dir, rg.lm
	ctx := context.Background()
	rdb := srv.Client(t)
	keyringPath, keys := testKeyringFile(t, dir)
	const (
		target    = "+4930999888777"
		nonTarget = "+4930111222333"
		liid      = "ATREST-LIID-42"
		box       = "atrest-box-7781@um.example"
		marker    = "ZEBRA-CONTENT-5531"
	)
	end := time.Now().Add(15 * time.Second).UTC().Truncate(time.Second)
	rg.keyringFile = keyringPath
	cfgPath := rg.config(t, "rest-1", "OP-REST", fmt.Sprintf(`sessions: {idleTimeout: 1h, sweepInterval: 200ms}
handover: {keepAlive: 1s, keepAliveTimeout: 2s, dataKeyWindow: 1h, maxAge: 5s}
warrants:
  - {liid: %s, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, end: %s, targets: [{e164: "%s"}]}
`, liid, end.Format(time.RFC3339), target))
	p := startUMLI(t, bin, cfgPath)
	waitUntil(t, "umli running", func() bool { return strings.Contains(p.stderr.String(), "umli running") })

	// Three sessions of the target and one of a non-target; CC content is distinct per
	// chunk and carries the marker.
	var contents [][]byte
	enc := json.NewEncoder(p.stdin)
	for s := range 3 {
		for i := range 4 {
			for _, who := range []string{target, nonTarget} {
				r := record.Record{Identities: []record.Identity{{Kind: record.IdentityE164, Value: who}}, Source: "um-rest",
					CorrelationKey: fmt.Sprintf("call-%s-%d", who[len(who)-3:], s), Boundary: record.Continue, EventKey: "m1", Time: time.Now().UTC()}
				if i == 0 {
					r.Boundary = record.Open
					ev := etsi.BoxConnect
					r.MessagingIRI = &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev},
						Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser, BoxIdentifier: []byte(box)}
				} else {
					cid, seq := uint32(1), uint32(i)
					c := []byte(fmt.Sprintf("%s session %d chunk %d %s", marker, s, i, strings.Repeat("x", 100)))
					if who == target {
						contents = append(contents, c)
					}
					r.MessagingCC = &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, ContentType: "audio/PCMU", Content: c}
				}
				if err := enc.Encode(&r); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	waitUntil(t, "the target's records at the LEMF", func() bool {
		sum := lm.Summary()
		return sum.HI2.PDUs-sum.HI2.KeepAlives >= 3 && sum.HI3.PDUs-sum.HI3.KeepAlives >= len(contents)
	})
	// Copies of the sealed entries, as an attacker holding the AOF has them.
	copies, multi := aofSealedEntries(t, srv)
	var nCopies int // PDUs in the copies
	for stream, vs := range copies {
		for _, v := range vs {
			pt, err := openCopy(ctx, rdb, keys, stream, v)
			if err != nil {
				t.Fatalf("copy from %s does not open while its data key exists: %v", stream, err)
			}
			if len(pt) == 0 {
				t.Fatal("empty PDU")
			}
			if multi[string(v)] {
				nCopies += packedCount(t, pt)
			} else {
				nCopies++
			}
		}
	}
	if nCopies < 3+len(contents) {
		t.Fatalf("%d PDUs in sealed entries in the AOF, want at least %d", nCopies, 3+len(contents))
	}

	sc := srv.ScanAtRest(t, ctx, rdb)
	secrets := []string{target, target[1:], nonTarget, nonTarget[1:], liid, box, marker}
	if h := sc.Hits(secrets...); len(h) > 0 {
		t.Errorf("readable at rest:\n%s", strings.Join(h, "\n"))
	}

	// The LEMF: every CC chunk, byte-identical, under the LIID.
	set, err := pducheck.ReadLEMF(rg.lemfDir())
	if err != nil {
		t.Fatal(err)
	}
	var raw [][]byte
	for st, pdus := range set.PDUs {
		if st.LIID != liid {
			t.Errorf("LEMF stream %v: unexpected LIID", st)
		}
		for _, b := range pdus {
			raw = append(raw, b)
		}
	}
	for _, c := range contents {
		found := false
		for _, b := range raw {
			found = found || bytes.Contains(b, c)
		}
		if !found {
			t.Errorf("content %q not at the LEMF byte-identical", c[:40])
		}
	}

	// The warrant ends: its sequences get their iRI-End, the data keys of its streams are
	// rotated and, once delivered and trimmed, destroyed.
	gone := func() bool {
		for stream, vs := range copies {
			for _, v := range vs {
				if _, err := openCopy(ctx, rdb, keys, stream, v); err == nil {
					return false
				}
			}
		}
		return true
	}
	for deadline := time.Now().Add(60 * time.Second); !gone(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			var state []string
			for stream := range copies {
				base := strings.TrimSuffix(stream, "q")
				dk, _ := rdb.HKeys(ctx, base+"dk").Result()
				dkl, _ := rdb.HGetAll(ctx, base+"dkl").Result()
				first, _ := rdb.XRangeN(ctx, stream, "-", "+", 1).Result()
				n, _ := rdb.XLen(ctx, stream).Result()
				state = append(state, fmt.Sprintf("%s: len %d first %v dk %v dkl %v", stream, n, first, dk, dkl))
			}
			t.Fatalf("data keys of the ended warrant's entries still there at %v (end %v):\n%s\n%s", time.Now().UTC(), end, strings.Join(state, "\n"), p.stderr.String())
		}
	}
	for stream, vs := range copies {
		for _, v := range vs {
			if _, err := openCopy(ctx, rdb, keys, stream, v); !errors.Is(err, redis.Nil) {
				t.Errorf("copy from %s: err %v, want its data key gone", stream, err)
			}
		}
	}
	if h := sc.Hits(secrets...); len(h) > 0 {
		t.Errorf("readable at rest:\n%s", strings.Join(h, "\n"))
	}
	p.cmd.Process.Signal(os.Interrupt)
}

// TestRunEmailLeavesNothingReadableAtRest: a target's mail through `umli run`'s SMTP proxy
// to a real SMTP server; the keyspace, AOF and a fresh RDB hold neither the target's
// address, the correspondent's, the LIID nor the mail's content, while the LEMF's EmailCC
// carries the message byte-identical to what the upstream server received.
func TestRunEmailLeavesNothingReadableAtRest(t *testing.T) {
	rg := newRig(t)
	bin, srv, dir, lm := rg.bin, rg.srv, rg.dir, rg.lm
	ctx := context.Background()
	rdb := srv.Client(t)
	mx := testmail.StartSMTP(t, testmail.SMTPOptions{})
	listen := freeAddr(t)
	keyringPath, _ := testKeyringFile(t, dir)
	const (
		target = "zelda.atrest@example.net"
		peer   = "yorick.atrest@example.org"
		liid   = "MAIL-ATREST-9"
		marker = "QUOKKA-MAIL-BODY-2291"
	)
	rg.keyringFile = keyringPath
	cfgPath := rg.config(t, "mail-rest", "OP-MAIL", fmt.Sprintf(`handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: %s, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{email: %s}]}
email:
  proxies:
    - {source: mail-1, protocol: smtp, listen: "%s", upstream: "%s"}
`, liid, target, listen, mx.Addr))
	umli := runConfig(t, bin, cfgPath)
	for i := range 3 {
		msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: s%d\r\n\r\n%s number %d\r\n", target, peer, i, marker, i)
		if err := smtp.SendMail(listen, nil, target, []string{peer}, []byte(msg)); err != nil {
			t.Fatalf("send through the proxy: %v\n%s", err, umli.stderr.String())
		}
	}
	if n := len(mx.Messages()); n != 3 {
		t.Fatalf("upstream got %d mails, want 3", n)
	}
	waitUntil(t, "EmailCC of every mail at the LEMF", func() bool {
		sum := lm.Summary()
		return sum.HI3.PDUs-sum.HI3.KeepAlives >= 3
	})
	sc := srv.ScanAtRest(t, ctx, rdb)
	if h := sc.Hits(target, peer, liid, marker); len(h) > 0 {
		t.Errorf("readable at rest:\n%s", strings.Join(h, "\n"))
	}
	set, err := pducheck.ReadLEMF(rg.lemfDir())
	if err != nil {
		t.Fatal(err)
	}
	var cc [][]byte
	for st, pdus := range set.PDUs {
		if st.LIID != liid {
			t.Errorf("LEMF stream %v: unexpected LIID", st)
		}
		if st.CC {
			for _, b := range pdus {
				cc = append(cc, b)
			}
		}
	}
	for i, m := range mx.Messages() {
		body := []byte(fmt.Sprintf("%s number %d", marker, i))
		found := false
		for _, b := range cc {
			found = found || bytes.Contains(b, body)
		}
		if !found {
			t.Errorf("mail %d (%d bytes upstream) not in the LEMF's EmailCC", i, len(m.Data))
		}
	}
	umli.terminate(t)
}
