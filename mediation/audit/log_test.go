package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLog appends n entries to a fresh log and returns its path and lines.
func writeLog(t *testing.T, n int) (string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	clock := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	l, err := Open(path, Options{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := l.Append("CN=admf", "ActivateTask", map[string]string{"xId": "x", "n": string(rune('a' + i))}, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestVerifyUntouched(t *testing.T) {
	path, lines := writeLog(t, 5)
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5", len(lines))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Verify(f)
	if err != nil {
		t.Fatalf("untouched log: %v", err)
	}
	if res.Entries != 5 || res.Head == GenesisHash || len(res.Head) != 64 {
		t.Fatalf("result %+v", res)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	_, lines := writeLog(t, 5)
	join := func(ls ...string) string {
		s := strings.Join(ls, "")
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return s
	}
	tests := []struct {
		name, log, want string
	}{
		{"edited result", join(lines[0], lines[1], strings.Replace(lines[2], `"result":"ok"`, `"result":"no"`, 1), lines[3], lines[4]), "line 3 (seq 3): hash mismatch"},
		{"edited actor", join(lines[0], strings.Replace(lines[1], "CN=admf", "CN=evil", 1), lines[2]), "line 2 (seq 2): hash mismatch"},
		{"edited detail", join(strings.Replace(lines[0], `"n":"a"`, `"n":"z"`, 1), lines[1]), "line 1 (seq 1): hash mismatch"},
		{"edited time", join(lines[0], strings.Replace(lines[1], "10:00:02", "10:00:09", 1)), "line 2 (seq 2): hash mismatch"},
		{"dropped middle", join(lines[0], lines[1], lines[3], lines[4]), "line 3: seq 4, want 3"},
		{"dropped first", join(lines[1], lines[2]), "line 1: seq 2, want 1"},
		{"reordered", join(lines[0], lines[2], lines[1], lines[3]), "line 2: seq 3, want 2"},
		{"duplicated", join(lines[0], lines[1], lines[1], lines[2]), "line 3: seq 2, want 3"},
		{"renumbered after drop", join(lines[0], strings.Replace(lines[2], `"seq":3`, `"seq":2`, 1)), "line 2 (seq 2): prevHash does not match"},
		{"garbage line", join(lines[0], "not json\n", lines[1]), "line 2: not an audit entry"},
		{"unknown field", join(strings.Replace(lines[0], `{"seq"`, `{"x":1,"seq"`, 1)), "line 1: not an audit entry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(strings.NewReader(tc.log))
			if err == nil {
				t.Fatalf("tampered log verified")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestOpenContinuesChain(t *testing.T) {
	path, _ := writeLog(t, 3)
	l, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Append("system", "TaskExpired", map[string]string{"liid": "L1"}, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 4 {
		t.Fatalf("seq %d after reopen, want 4", e.Seq)
	}
	l.Close()
	f, _ := os.Open(path)
	defer f.Close()
	res, err := Verify(f)
	if err != nil || res.Entries != 4 || res.Head != e.Hash {
		t.Fatalf("verify after reopen: %+v, %v", res, err)
	}
}

func TestOpenRefusesBrokenLog(t *testing.T) {
	path, lines := writeLog(t, 3)
	if err := os.WriteFile(path, []byte(lines[0]+lines[2]), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("Open on broken log: %v", err)
	}
}

func TestVerifyMain(t *testing.T) {
	good, lines := writeLog(t, 2)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte(lines[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		rc     int
		stdout string
		stderr string
	}{
		{"good", []string{"verify", good}, 0, "OK: 2 entries", ""},
		{"bad", []string{"verify", bad}, 1, "", "FAIL: line 1: seq 2, want 1"},
		{"missing", []string{"verify", filepath.Join(t.TempDir(), "nope")}, 1, "", "no such file"},
		{"usage", []string{"verify"}, 2, "", "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			rc := VerifyMain(tc.args, &out, &errb)
			if rc != tc.rc || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
				t.Fatalf("rc %d stdout %q stderr %q", rc, out.String(), errb.String())
			}
		})
	}
}

func TestConcurrentAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	l, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 10; i++ {
				if _, err := l.Append("a", "b", nil, "ok"); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	f, _ := os.Open(path)
	defer f.Close()
	if res, err := Verify(f); err != nil || res.Entries != 40 {
		t.Fatalf("%+v %v", res, err)
	}
}

func FuzzVerify(f *testing.F) {
	_, lines := writeLogF(f)
	f.Add([]byte(strings.Join(lines, "")))
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"seq":1,"time":"x"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Verify(bytes.NewReader(b))
	})
}

func writeLogF(f *testing.F) (string, []string) {
	path := filepath.Join(f.TempDir(), "seed.jsonl")
	l, err := Open(path, Options{})
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := l.Append("CN=admf", "Ping", nil, "ok"); err != nil {
			f.Fatal(err)
		}
	}
	l.Close()
	b, _ := os.ReadFile(path)
	return path, strings.SplitAfter(string(b), "\n")
}

func BenchmarkAppend(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), "a.jsonl"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for b.Loop() {
		if _, err := l.Append("CN=admf", "Delivery", map[string]string{"liid": "L1", "cin": "7"}, "ok"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDeliverySummary(t *testing.T) {
	since := time.Date(2026, 11, 23, 10, 0, 0, 5, time.UTC)
	tests := []struct {
		name   string
		s      DeliverySummary
		want   map[string]string
		absent []string
	}{
		{"IRI with CIN", DeliverySummary{LIID: "LIID-1", NetworkElement: "um-1", CIN: 7, HasCIN: true, FirstSeq: 1, LastSeq: 12, PDUs: 12, Kind: "IRI", Destination: "lea-a", HI: "hi2", Since: since},
			map[string]string{"liid": "LIID-1", "ne": "um-1", "cin": "7", "seq": "1-12", "pdus": "12", "replayed": "0", "kind": "IRI", "destination": "lea-a", "hi": "hi2", "since": "2026-11-23T10:00:00.000000005Z"}, nil},
		{"CC replayed, no CIN", DeliverySummary{LIID: "L2", FirstSeq: 4294967290, LastSeq: 4294967295, PDUs: 0, Replayed: 6, Kind: "CC", Destination: "lea-b", HI: "hi3"},
			map[string]string{"liid": "L2", "seq": "4294967290-4294967295", "pdus": "0", "replayed": "6", "kind": "CC", "hi": "hi3"}, []string{"cin", "since", "ne"}},
	}
	path := filepath.Join(t.TempDir(), "a.jsonl")
	l, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := l.Delivery(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if e.Detail[k] != v {
					t.Errorf("detail %s = %q, want %q", k, e.Detail[k], v)
				}
			}
			for _, k := range tc.absent {
				if _, ok := e.Detail[k]; ok {
					t.Errorf("detail %s present: %q", k, e.Detail[k])
				}
			}
			if e.Actor != ActorSystem || e.Action != ActionDelivery || e.Result != "delivered" {
				t.Fatalf("entry %+v", e)
			}
		})
	}
	l.Close()
	f, _ := os.Open(path)
	defer f.Close()
	if res, err := Verify(f); err != nil || res.Entries != uint64(len(tests)) {
		t.Fatalf("verify: %+v %v", res, err)
	}
}
