package etsi

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is the shared reference tree: $UMLI_SHARED, else ../shared relative to the repo root.
func sharedDir() string {
	if d := os.Getenv("UMLI_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

func TestSharedSampleRoundTrip(t *testing.T) {
	path := filepath.Join(sharedDir(), "asn1", "erlc", "sample_messagingIRI_PS-PDU.ber")
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("shared sample %s absent (set UMLI_SHARED)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	p, n, err := DecodePSPDU(raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if n != len(raw) {
		t.Fatalf("consumed %d of %d bytes", n, len(raw))
	}
	m := p.Payload.IRI[0].Contents.MessagingIRI
	if p.Header.LIID != "LIID-UM-0001" || m.PartyInformation[0].Identity.MSISDN != "49173254768" ||
		*m.Category.MessageBox != BoxLogin || m.Properties[0].Language != "de-DE" {
		t.Fatalf("unexpected values: %+v / %+v", p.Header, m)
	}
	out, err := p.AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if !bytes.Equal(out, raw) {
		t.Fatalf("re-encoding differs:\n got %x\nwant %x", out, raw)
	}
}

func TestSampleJSON(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedDir(), "asn1", "erlc", "sample_messagingIRI_PS-PDU.ber"))
	if err != nil {
		t.Skip(err)
	}
	p, _, err := DecodePSPDU(raw)
	if err != nil {
		t.Fatal(err)
	}
	js, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", js)
}
