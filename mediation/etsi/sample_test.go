package etsi

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is the shared reference tree: $UMLI_SHARED, else ../shared next to the repo root.
func sharedDir() string {
	d, err := sharedRoot()
	if err != nil {
		return filepath.Join("..", "..", "..", "shared")
	}
	return d
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

func TestJSONRules(t *testing.T) {
	p := CCPDU(goldenHeader(1), CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{
		ObjID: OID{5, 2, 20, 4}, EventIdentifier: 1, ContentType: "text/plain", Content: []byte("line\r\n\t\"q\" ü"),
	}}})
	p.Header.DomainID = OID{0, 4, 0, 2, 2, 5, 1, 43}
	p.Header.LIID = "L\x01"
	js, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"li-psDomainId":"0.4.0.2.2.5.1.43"`,
		`"lawfulInterceptionIdentifier":{"hex":"4c01"}`,
		`"timeStamp":"2026-11-23T10:45:19.25Z"`,
		`"content":"line\r\n\t\"q\" ü"`,
		`"end-of-sequence":false`,
		`"messaging-cc-obj-id":"5.2.20.4"`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	for _, c := range []struct {
		in   string
		want bool
	}{{"abc", true}, {"", true}, {"a\x00", false}, {"\xff", false}, {"\u0085", false}, {"tab\there", true}, {"\x7f", false}} {
		if got := printableUTF8([]byte(c.in)); got != c.want {
			t.Errorf("printableUTF8(%q) = %v", c.in, got)
		}
	}
}
