package demo

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/simulators/mdf"
)

// checkX2X3 checks the demo's x2.bin and x3.bin: every PDU parses, X2 carries IRI and
// X3 CC of the MDF warrant with its task's XID, the correlation ID is the PS-PDU's CIN
// and the sequence attribute its sequence number; and Wireshark's own 5GLI dissector
// (tshark over a pcap of each stream) reads every PDU with the right type, XID and
// correlation ID, nothing malformed. It returns the PS-PDUs carried.
func checkX2X3(t *testing.T, dir string) *pducheck.Set {
	t.Helper()
	xid := x1.NameUUID("task", LIIDC)
	var pspdus []byte
	for i, name := range []string{X2File, X3File} {
		wantType := uint16(x2x3.TypeX2 + i)
		stream, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var cids []string
		err = mdf.Read(bytes.NewReader(stream), func(_ []byte, p *x2x3.PDU) error {
			if p.Type != wantType || p.XID.String() != xid || p.Format != x2x3.FormatTS102232 {
				t.Errorf("%s: PDU type %d XID %s format %d, want %d %s %d", name, p.Type, p.XID, p.Format, wantType, xid, x2x3.FormatTS102232)
			}
			ps, _, err := etsi.DecodePSPDU(p.Payload)
			if err != nil {
				return err
			}
			if ps.Header.LIID != LIIDC || (ps.Payload.CC != nil) != (wantType == x2x3.TypeX3) {
				t.Errorf("%s: payload LIID %s CC %v", name, ps.Header.LIID, ps.Payload.CC != nil)
			}
			if c := ps.Header.CommunicationIdentifier.CIN; c == nil || uint64(*c) != p.CorrelationID {
				t.Errorf("%s: correlation ID %d is not the CIN %v", name, p.CorrelationID, c)
			}
			if seq, ok := p.SequenceNumber(); !ok || seq != ps.Header.SequenceNumber {
				t.Errorf("%s: sequence attribute %d %v, PS-PDU %d", name, seq, ok, ps.Header.SequenceNumber)
			}
			cids = append(cids, hex.EncodeToString(binary.BigEndian.AppendUint64(nil, p.CorrelationID)))
			pspdus = append(pspdus, p.Payload...)
			return nil
		}, nil)
		if !errors.Is(err, io.EOF) {
			t.Fatalf("%s: %v", name, err)
		}
		if len(cids) == 0 {
			t.Fatalf("%s: no PDUs", name)
		}
		d, err := mdf.Wireshark(stream, t.TempDir(), name)
		if err != nil {
			t.Fatal(err)
		}
		if d.PDUs != len(cids) || len(d.Got) != d.PDUs {
			t.Fatalf("%s: tshark dissected %d 5GLI PDUs, the stream holds %d", name, len(d.Got), len(cids))
		}
		for j, g := range d.Got {
			if g.Type != string(rune('0'+wantType)) || g.XID != xid || strings.ReplaceAll(g.CID, ":", "") != cids[j] {
				t.Errorf("%s PDU %d: tshark reads type %s XID %s CID %s, want %d %s %s", name, j, g.Type, g.XID, g.CID, wantType, xid, cids[j])
				break
			}
		}
		if d.Bad != "" {
			t.Errorf("%s: tshark reports malformed or expert warnings:\n%s", name, d.Bad)
		}
		t.Logf("%s: %d PDUs, all dissected by tshark's 5GLI dissector", name, len(cids))
	}
	f := filepath.Join(t.TempDir(), "mdf.ber")
	if err := os.WriteFile(f, pspdus, 0o600); err != nil {
		t.Fatal(err)
	}
	set, err := pducheck.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Reused) > 0 || len(set.Gaps()) > 0 {
		t.Errorf("MDF: reused %v gaps %v", set.Reused, set.Gaps())
	}
	return set
}
