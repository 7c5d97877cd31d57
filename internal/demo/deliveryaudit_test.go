package demo

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/pducheck"
)

// checkDeliveryAudit: the demo's audit log holds Delivery entries that account for every
// PDU stream the LEMF and the MDF received (count of first writes at least the distinct PDUs, range
// up to the highest number), and the summary line states their number.
func checkDeliveryAudit(t *testing.T, dir, text string, sets ...*pducheck.Set) {
	t.Helper()
	got := &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{}}
	for _, s := range sets {
		for st, m := range s.PDUs {
			got.PDUs[st] = m
		}
	}
	f, err := os.Open(filepath.Join(dir, AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type sum struct {
		last uint64
		pdus int
	}
	sums := map[pducheck.Stream]*sum{}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Action != audit.ActionDelivery {
			continue
		}
		n++
		d := e.Detail
		cin, _ := strconv.ParseUint(d["cin"], 10, 32)
		_, last, _ := strings.Cut(d["seq"], "-")
		l, _ := strconv.ParseUint(last, 10, 32)
		pdus, _ := strconv.Atoi(d["pdus"])
		st := pducheck.Stream{LIID: d["liid"], NE: d["ne"], CIN: uint32(cin), CC: d["kind"] == "CC"}
		x := sums[st]
		if x == nil {
			x = &sum{}
			sums[st] = x
		}
		x.last, x.pdus = max(x.last, l), x.pdus+pdus
	}
	if n == 0 || !strings.Contains(text, "audit: "+strconv.Itoa(n)+" delivery summaries") {
		t.Errorf("%d Delivery entries; summary:\n%s", n, text)
	}
	for st, seqs := range got.PDUs {
		var top uint32
		for q := range seqs {
			top = max(top, q)
		}
		if x := sums[st]; x == nil || x.pdus < len(seqs) || x.last != uint64(top) {
			t.Errorf("%v: audited %+v, LEMF got %d PDUs up to %d", st, x, len(seqs), top)
		}
	}
	if len(sums) != len(got.PDUs) {
		t.Errorf("audit summarizes %d streams, the LEMF received %d", len(sums), len(got.PDUs))
	}
}
