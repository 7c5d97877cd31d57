package etsi

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// TestConformanceEtsiDecode runs the independent Erlang decoder (shared/tools/etsi-decode,
// built by erlc from the ETSI ASN.1) over every golden vector and over all of them back to
// back, and checks that it decodes each PDU to the same values our decoder gives.
func TestConformanceEtsiDecode(t *testing.T) {
	tool := etsiDecodeTool(t)
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.ber"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden vectors in %s: %v", goldenDir, err)
	}
	sort.Strings(files)
	var all []byte
	var pdus [][]byte // every PDU in tool output order: each file, then the concatenation
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pdus = append(pdus, b)
		names = append(names, filepath.Base(f))
		all = append(all, b...)
	}
	concat := filepath.Join(t.TempDir(), "all.ber")
	if err := os.WriteFile(concat, all, 0o644); err != nil {
		t.Fatal(err)
	}
	offs := make([]int, len(pdus)) // each file on its own starts at 0
	n, off := len(pdus), 0
	for i := 0; i < n; i++ {
		pdus = append(pdus, pdus[i])
		names = append(names, "concatenation/"+names[i])
		offs = append(offs, off)
		off += len(pdus[i])
	}
	checkEtsiDecode(t, tool, append(files, concat), names, pdus, offs)
}

// TestConformanceRandom feeds the Erlang decoder randomized PDUs of every structure, back to
// back in one file, and compares its values with ours.
func TestConformanceRandom(t *testing.T) {
	tool := etsiDecodeTool(t)
	var all []byte
	var pdus [][]byte
	var names []string
	var offs []int
	for seed := uint64(0); seed < 400; seed++ {
		x := newGen(seed).pdu()
		v := LatestVersion()
		if seed%4 == 3 {
			v = Seed9Version()
			x, _ = x.ForVersion(v)
		}
		b, err := x.AppendBER(nil, v)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		offs = append(offs, len(all))
		all = append(all, b...)
		pdus = append(pdus, b)
		names = append(names, fmt.Sprintf("seed-%d", seed))
	}
	f := filepath.Join(t.TempDir(), "random.ber")
	if err := os.WriteFile(f, all, 0o644); err != nil {
		t.Fatal(err)
	}
	checkEtsiDecode(t, tool, []string{f}, names, pdus, offs)
}

// etsiDecodeTool finds shared/tools/etsi-decode: skip when the shared tree is absent, fail
// when it is present but erlc is not installed (the check must not vanish silently).
func etsiDecodeTool(t *testing.T) string {
	t.Helper()
	shared, err := sharedRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shared); os.IsNotExist(err) {
		t.Skipf("conformance check skipped: %s absent (set UMLI_SHARED to the shared reference tree)", shared)
	}
	if _, err := exec.LookPath("erlc"); err != nil {
		t.Fatalf("%s exists but erlc is missing: apt-get install -y erlang-base erlang-asn1 (or run make test as root)", shared)
	}
	return filepath.Join(shared, "tools", "etsi-decode")
}

// checkEtsiDecode runs the tool over files, which hold pdus in order (each file's PDUs back
// to back, PDU i at offset offs[i] of its file), and compares each printed offset and term
// with our framing and decoder.
func checkEtsiDecode(t *testing.T, tool string, files, names []string, pdus [][]byte, offs []int) {
	t.Helper()
	cmd := exec.Command(tool, files...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("etsi-decode failed: %v\n%s\n%s", err, stderr.Bytes(), out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != len(pdus) {
		t.Fatalf("etsi-decode printed %d PDUs, want %d:\n%s", len(lines), len(pdus), out)
	}
	for i, line := range lines {
		offStr, term, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: unexpected line %q", names[i], line)
		}
		got, err := strconv.Atoi(offStr)
		if err != nil {
			t.Fatalf("%s: offset %q", names[i], offStr)
		}
		if got != offs[i] {
			t.Fatalf("%s: etsi-decode offset %d, want %d", names[i], got, offs[i])
		}
		if n, err := ber.FrameLength(pdus[i], 0); err != nil || n != len(pdus[i]) {
			t.Fatalf("%s: FrameLength %d, %v; want %d", names[i], n, err, len(pdus[i]))
		}
		gotTerm, err := parseErlTerm(term)
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
		p, _, err := DecodePSPDU(pdus[i])
		if err != nil {
			t.Fatalf("%s: our decoder: %v", names[i], err)
		}
		if err := compareTerm("PS-PDU", gotTerm, erlPSPDU(&p)); err != nil {
			t.Errorf("%s: %v\nerlang: %s", names[i], err, term)
		}
	}
}

// sharedRoot is $UMLI_SHARED, else ../shared next to the repository root.
func sharedRoot() (string, error) {
	if d := os.Getenv("UMLI_SHARED"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// compareTerm compares the Erlang decoder's term with the one expected from our decoder.
func compareTerm(path string, got, want eTerm) error {
	switch w := want.(type) {
	case eMap:
		g, ok := got.(eMap)
		if !ok {
			return fmt.Errorf("%s: got %T, want a map", path, got)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Errorf("%s: erlang has %s, our decoder not", path, k)
			}
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s: our decoder has %s, erlang not", path, k)
			}
			if err := compareTerm(path+"."+k, gv, w[k]); err != nil {
				return err
			}
		}
		return nil
	case eTuple:
		g, ok := got.(eTuple)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want tuple %v", path, got, w)
		}
		for i := range w {
			if err := compareTerm(fmt.Sprintf("%s{%d}", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
		return nil
	case eList:
		g, ok := got.(eList)
		if !ok {
			// An empty list prints as "" in some contexts.
			if b, isBin := got.(eBin); isBin && len(b) == 0 && len(w) == 0 {
				return nil
			}
			return fmt.Errorf("%s: got %v, want list", path, got)
		}
		if len(g) != len(w) {
			return fmt.Errorf("%s: %d elements, want %d", path, len(g), len(w))
		}
		for i := range w {
			if err := compareTerm(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
		return nil
	case eBin:
		gb, err := termBytes(got)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if !bytes.Equal(gb, w) {
			return fmt.Errorf("%s: erlang %q, ours %q", path, gb, []byte(w))
		}
		return nil
	case eInt, eAtom:
		if got != want {
			return fmt.Errorf("%s: erlang %v, ours %v", path, got, want)
		}
		return nil
	}
	return fmt.Errorf("%s: unexpected expected-term type %T", path, want)
}

// termBytes accepts a binary, a string or a list of byte values.
func termBytes(t eTerm) ([]byte, error) {
	switch v := t.(type) {
	case eBin:
		return v, nil
	case eList:
		out := make([]byte, 0, len(v))
		for _, e := range v {
			i, ok := e.(eInt)
			n, err := strconv.Atoi(string(i))
			if !ok || err != nil || n < 0 || n > 255 {
				return nil, fmt.Errorf("list element %v is not a byte", e)
			}
			out = append(out, byte(n))
		}
		return out, nil
	}
	return nil, fmt.Errorf("got %T, want bytes", t)
}

// The expected Erlang term for our decoded value, field by field in erlc's +maps shape.

func eU(v uint64) eInt  { return eInt(strconv.FormatUint(v, 10)) }
func eI(v int64) eInt   { return eInt(strconv.FormatInt(v, 10)) }
func eS(s string) eBin  { return eBin(s) }
func eA(s string) eAtom { return eAtom(s) }
func eB(b bool) eAtom {
	if b {
		return "true"
	}
	return "false"
}

func eOID(o OID) eTuple {
	t := eTuple{}
	for _, a := range o {
		t = append(t, eU(uint64(a)))
	}
	return t
}

func eTime(t time.Time) eBin {
	b, err := ber.AppendGeneralizedTime(nil, ber.Ctx(0), t)
	if err != nil {
		return eBin("unencodable time")
	}
	return eBin(b[2:])
}

func eMicro(m eMap, ts *MicroSecondTimeStamp) {
	if ts != nil {
		m["microSecondTimeStamp"] = eMap{"seconds": eU(ts.Seconds), "microSeconds": eU(uint64(ts.MicroSeconds))}
	}
}

func erlPSPDU(p *PSPDU) eTerm {
	h := &p.Header
	ci := &h.CommunicationIdentifier
	ni := eMap{"operatorIdentifier": eS(ci.NetworkIdentifier.OperatorIdentifier)}
	if ci.NetworkIdentifier.NetworkElementIdentifier != "" {
		ni["networkElementIdentifier"] = eS(ci.NetworkIdentifier.NetworkElementIdentifier)
	}
	cm := eMap{"networkIdentifier": ni}
	if ci.CIN != nil {
		cm["communicationIdentityNumber"] = eU(uint64(*ci.CIN))
	}
	if ci.DeliveryCountryCode != "" {
		cm["deliveryCountryCode"] = eS(ci.DeliveryCountryCode)
	}
	hm := eMap{
		"li-psDomainId":                eOID(h.DomainID),
		"lawfulInterceptionIdentifier": eS(h.LIID),
		"communicationIdentifier":      cm,
		"sequenceNumber":               eU(uint64(h.SequenceNumber)),
	}
	if h.AuthorizationCountryCode != "" {
		hm["authorizationCountryCode"] = eS(h.AuthorizationCountryCode)
	}
	if h.TimeStamp != nil {
		hm["timeStamp"] = eTime(*h.TimeStamp)
	}
	if h.InterceptionPointID != "" {
		hm["interceptionPointID"] = eS(h.InterceptionPointID)
	}
	eMicro(hm, h.MicroSecondTimeStamp)
	if h.TimeStampQualifier != nil {
		hm["timeStampQualifier"] = eA(h.TimeStampQualifier.String())
	}
	var payload eTerm
	switch {
	case p.Payload.IRI != nil:
		l := eList{}
		for i := range p.Payload.IRI {
			l = append(l, erlIRIPayload(&p.Payload.IRI[i]))
		}
		payload = eTuple{eA("iRIPayloadSequence"), l}
	case p.Payload.CC != nil:
		l := eList{}
		for i := range p.Payload.CC {
			l = append(l, erlCCPayload(&p.Payload.CC[i]))
		}
		payload = eTuple{eA("cCPayloadSequence"), l}
	default:
		var v eTerm = eA("NULL")
		if p.Payload.TRI.Kind == TRIPadding {
			v = eBin(p.Payload.TRI.Padding)
		}
		payload = eTuple{eA("tRIPayload"), eTuple{eA(p.Payload.TRI.Kind.String()), v}}
	}
	return eMap{"pSHeader": hm, "payload": payload}
}

func erlIRIPayload(p *IRIPayload) eMap {
	m := eMap{}
	if p.IRIType != nil {
		m["iRIType"] = eA(p.IRIType.String())
	}
	if p.TimeStamp != nil {
		m["timeStamp"] = eTime(*p.TimeStamp)
	}
	if p.Contents.EmailIRI != nil {
		m["iRIContents"] = eTuple{eA("emailIRI"), erlEmailIRI(p.Contents.EmailIRI)}
	} else {
		m["iRIContents"] = eTuple{eA("messagingIRI"), erlMessagingIRI(p.Contents.MessagingIRI)}
	}
	eMicro(m, p.MicroSecondTimeStamp)
	if p.TimeStampQualifier != nil {
		m["timeStampQualifier"] = eA(p.TimeStampQualifier.String())
	}
	if p.SessionDirection != nil {
		m["sessionDirection"] = eA(p.SessionDirection.String())
	}
	if p.PayloadDirection != nil {
		m["payloadDirection"] = eA(p.PayloadDirection.String())
	}
	return m
}

func erlCCPayload(p *CCPayload) eMap {
	m := eMap{}
	if p.PayloadDirection != nil {
		m["payloadDirection"] = eA(p.PayloadDirection.String())
	}
	if p.TimeStamp != nil {
		m["timeStamp"] = eTime(*p.TimeStamp)
	}
	if x := p.Contents.EmailCC; x != nil {
		m["cCContents"] = eTuple{eA("emailCC"), eMap{"emailCCObjId": eOID(x.ObjID), "email-Format": eA(x.Format.String()), "content": eBin(x.Content)}}
	} else {
		x := p.Contents.MessagingCC
		cc := eMap{
			"messaging-cc-obj-id": eOID(x.ObjID), "event-identifier": eU(uint64(x.EventIdentifier)),
			"end-of-sequence": eB(x.EndOfSequence), "content-type": eS(x.ContentType), "content": eBin(x.Content),
		}
		if x.ContentIdentifier != nil {
			cc["content-identifier"] = eU(uint64(*x.ContentIdentifier))
		}
		if x.SequenceNumber != nil {
			cc["sequence-number"] = eU(uint64(*x.SequenceNumber))
		}
		if x.ContentTransferEncoding != "" {
			cc["content-transfer-encoding"] = eS(x.ContentTransferEncoding)
		}
		m["cCContents"] = eTuple{eA("messagingCC"), cc}
	}
	eMicro(m, p.MicroSecondTimeStamp)
	if p.TimeStampQualifier != nil {
		m["timeStampQualifier"] = eA(p.TimeStampQualifier.String())
	}
	return m
}

func erlIP(a *IPAddress) eMap {
	m := eMap{"iP-type": eA(a.Type.String())}
	if a.Binary != nil {
		m["iP-value"] = eTuple{eA("iPBinaryAddress"), eBin(a.Binary)}
	} else {
		m["iP-value"] = eTuple{eA("iPTextAddress"), eS(a.Text)}
	}
	if a.Assignment != nil {
		m["iP-assignment"] = eA(a.Assignment.String())
	}
	if a.V6PrefixLength != nil {
		m["iPv6PrefixLength"] = eU(uint64(*a.V6PrefixLength))
	}
	if a.V4SubnetMask != nil {
		m["iPv4SubnetMask"] = eBin(a.V4SubnetMask)
	}
	if a.NATTranslated != nil {
		m["iP-NAT-translated"] = eB(*a.NATTranslated)
	}
	return m
}

func eStrList(l []string) eList {
	out := eList{}
	for _, s := range l {
		out = append(out, eS(s))
	}
	return out
}

func erlMessagingIRI(x *MessagingIRI) eMap {
	m := eMap{
		"messaging-iri-obj-id": eOID(x.ObjID), "system-type": eA(x.SystemType.String()),
		"status": eA(x.Status.String()), "trigger": eA(x.Trigger.String()),
	}
	if x.SystemIdentifier != nil {
		m["system-identifier"] = eBin(x.SystemIdentifier)
	}
	if c := x.Category; c != nil {
		switch {
		case c.Message != nil:
			m["category"] = eTuple{eA("message"), eA(c.Message.String())}
		case c.MessageBox != nil:
			m["category"] = eTuple{eA("message-box"), eA(c.MessageBox.String())}
		case c.Notification != nil:
			m["category"] = eTuple{eA("message-notification"), eA(c.Notification.String())}
		default:
			m["category"] = eTuple{eA("call"), eA(c.Call.String())}
		}
	}
	if x.PartyInformation != nil {
		l := eList{}
		for i := range x.PartyInformation {
			p := &x.PartyInformation[i]
			pm := eMap{"party-qualifier": eA(p.Qualifier.String()), "party-identity": erlIdentity(&p.Identity)}
			if p.Validity != nil {
				pm["party-validity"] = eA(p.Validity.String())
			}
			if p.CopyQualifier != nil {
				pm["copy-qualifier"] = eA(p.CopyQualifier.String())
			}
			l = append(l, pm)
		}
		m["party-information"] = l
	}
	if x.Properties != nil {
		l := eList{}
		for i := range x.Properties {
			l = append(l, erlProperty(&x.Properties[i]))
		}
		m["properties"] = l
	}
	if x.EventIdentifier != nil {
		m["event-identifier"] = eU(uint64(*x.EventIdentifier))
	}
	if x.OriginalMessage != nil {
		m["original-message"] = eBin(x.OriginalMessage)
	}
	if x.BoxIdentifier != nil {
		m["box-identifier"] = eBin(x.BoxIdentifier)
	}
	if x.TotalRecipientCount != nil {
		m["total-recipient-count"] = eU(uint64(*x.TotalRecipientCount))
	}
	return m
}

func erlIdentity(id *MessagingPartyIdentity) eTuple {
	tag, _ := identityAlternative(id)
	var v eTerm
	switch tag {
	case 0:
		v = eBin(appendTBCD([]byte{msisdnNature}, id.MSISDN))
	case 1:
		v = eBin(en300356CallingPartyNumber(strings.TrimPrefix(id.E164, "+")))
	case 2:
		v = eStrList(id.EmailAddresses)
	case 3:
		v = erlIP(id.IPAddress)
	case 4:
		v = eS(id.Alphanumeric)
	case 5:
		v = eMap{"ip-address": erlIP(&id.IPAddressAndPort.Address), "port-number": eI(id.IPAddressAndPort.Port)}
	case 6:
		v = eBin(appendTBCD(nil, id.IMSI))
	case 7:
		v = eBin(appendTBCD(nil, id.IMEI))
	case 8:
		v = eS(id.FaxURL)
	case 9:
		v = eS(id.TelURL)
	case 10:
		v = eS(id.ModemURL)
	case 11:
		v = eS(id.SIPURI)
	case 12:
		v = eS(id.SIPSURI)
	default:
		v = eS(id.NAI)
	}
	return eTuple{eA(identityNames[tag]), v}
}

func erlProperty(p *MessagingProperty) eTuple {
	tag, _ := propertyAlternative(p)
	var v eTerm
	switch tag {
	case 0:
		v = eBin(p.Pincode)
	case 1:
		v = eA(p.Priority.String())
	case 2:
		v = eA(p.GreetingType.String())
	case 3:
		v = eA(p.NotificationType.String())
	case 4:
		v = eS(p.Language)
	case 5:
		v = eBin(p.MessageIdentifier)
	case 6:
		v = eS(*p.Subject)
	case 7:
		v = eS(*p.UserAgent)
	case 8:
		v = eBin(p.Password)
	case 9:
		v = eA(p.MessageStatus.String())
	case 10:
		v = eA(p.RequestedReports.String())
	case 11:
		v = eTime(*p.Expires)
	default:
		v = eTime(*p.MessageDate)
	}
	return eTuple{eA(propertyNames[tag]), v}
}

func erlUserPass(user string, pass *string, res *AAAResult) eMap {
	m := eMap{"username": eS(user)}
	if pass != nil {
		m["password"] = eS(*pass)
	}
	if res != nil {
		m["aAAResult"] = eA(res.String())
	}
	return m
}

func erlEmailIRI(x *EmailIRI) eMap {
	m := eMap{
		"emailIRIObjId": eOID(x.ObjID), "eventType": eA(x.EventType.String()),
		"server-Octets-Sent": eI(x.ServerOctetsSent), "client-Octets-Sent": eI(x.ClientOctetsSent),
		"protocol-ID": eA(x.ProtocolID.String()), "status": eA(x.Status.String()),
	}
	if x.ClientAddress != nil {
		m["client-Address"] = erlIP(x.ClientAddress)
	}
	if x.ServerAddress != nil {
		m["server-Address"] = erlIP(x.ServerAddress)
	}
	if x.ClientPort != nil {
		m["client-Port"] = eI(*x.ClientPort)
	}
	if x.ServerPort != nil {
		m["server-Port"] = eI(*x.ServerPort)
	}
	if x.Sender != nil {
		m["e-mail-Sender"] = eS(*x.Sender)
	}
	if x.Recipients != nil {
		m["e-mail-Recipients"] = eStrList(x.Recipients)
	}
	if x.TotalRecipientCount != nil {
		m["total-Recipient-Count"] = eU(uint64(*x.TotalRecipientCount))
	}
	if x.MessageID != nil {
		m["message-ID"] = eBin(x.MessageID)
	}
	if x.NationalParameter != nil {
		m["nationalParameter"] = eBin(x.NationalParameter)
	}
	if x.NationalASN1 != nil {
		m["national-EM-ASN1parameters"] = eMap{"countryCode": eS(x.NationalASN1.CountryCode)}
	}
	if a := x.AAAInformation; a != nil {
		switch {
		case a.POP3 != nil:
			m["aAAInformation"] = eTuple{eA("pOP3AAAInformation"), erlUserPass(a.POP3.Username, a.POP3.Password, a.POP3.Result)}
		case a.IMAP != nil:
			m["aAAInformation"] = eTuple{eA("iMAPAAAInformation"), erlUserPass(a.IMAP.Username, a.IMAP.Password, a.IMAP.Result)}
		default:
			s := a.ASMTP
			am := eMap{"username": eS(s.Username)}
			if s.AuthMethod != nil {
				am["authMethod"] = eA(s.AuthMethod.String())
			}
			if s.Challenge != nil {
				am["challenge"] = eBin(s.Challenge)
			}
			if s.Response != nil {
				am["response"] = eBin(s.Response)
			}
			if s.Result != nil {
				am["aAAResult"] = eA(s.Result.String())
			}
			m["aAAInformation"] = eTuple{eA("aSMTPAAAInformation"), am}
		}
	}
	if x.SenderValidity != nil {
		m["e-mail-Sender-Validity"] = eA(x.SenderValidity.String())
	}
	return m
}
