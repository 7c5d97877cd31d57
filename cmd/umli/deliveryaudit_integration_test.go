package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/pducheck"
)

// checkDeliveryAudit: the audit file `umli run` wrote holds Delivery entries accounting
// for every PDU stream the LEMF received (first writes at least the distinct PDUs, range
// 0..highest), and not one of the given target identities.
func checkDeliveryAudit(t *testing.T, path string, got *pducheck.Set, targets ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range targets {
		if strings.Contains(string(b), id) {
			t.Errorf("audit log contains target identity %q", id)
		}
	}
	type sum struct {
		first, last uint64
		pdus        int
	}
	sums := map[pducheck.Stream]*sum{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Action != audit.ActionDelivery {
			continue
		}
		d := e.Detail
		cin, err1 := strconv.ParseUint(d["cin"], 10, 32)
		lo, hi, _ := strings.Cut(d["seq"], "-")
		first, err2 := strconv.ParseUint(lo, 10, 32)
		last, err3 := strconv.ParseUint(hi, 10, 32)
		pdus, err4 := strconv.Atoi(d["pdus"])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || d["destination"] != "lea" {
			t.Fatalf("malformed Delivery entry %v", d)
		}
		st := pducheck.Stream{LIID: d["liid"], NE: d["ne"], CIN: uint32(cin), CC: d["kind"] == "CC"}
		if want := map[bool]string{false: "hi2", true: "hi3"}[st.CC]; d["hi"] != want {
			t.Errorf("%v delivered on %s, want %s", st, d["hi"], want)
		}
		x := sums[st]
		if x == nil {
			x = &sum{first: first}
			sums[st] = x
		}
		x.first, x.last, x.pdus = min(x.first, first), max(x.last, last), x.pdus+pdus
	}
	for st, seqs := range got.PDUs {
		var top uint32
		for q := range seqs {
			top = max(top, q)
		}
		if x := sums[st]; x == nil || x.first != 0 || x.last != uint64(top) || x.pdus < len(seqs) {
			t.Errorf("%v: audited %+v, LEMF got %d PDUs 0..%d", st, x, len(seqs), top)
		}
	}
	if len(sums) != len(got.PDUs) || len(sums) == 0 {
		t.Errorf("audit summarizes %d streams, the LEMF received %d", len(sums), len(got.PDUs))
	}
}
