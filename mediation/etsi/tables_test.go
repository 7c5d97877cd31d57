package etsi

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

// schemaField is what a field table says of one component.
type schemaField struct {
	tag      uint32
	name     string
	required bool
}

type schemaTable interface{ schema() []schemaField }

func (t *seqType[T]) schema() []schemaField {
	var out []schemaField
	for i, f := range t.fields {
		if f.dec != nil {
			out = append(out, schemaField{uint32(i), f.name, f.required})
		}
	}
	return out
}

func (t *choiceType[T]) schema() []schemaField {
	var out []schemaField
	for i, a := range t.alts {
		if a.dec != nil {
			out = append(out, schemaField{uint32(i), a.name, true})
		}
	}
	return out
}

// asn1Component is one component of a SEQUENCE or CHOICE as the module text declares it.
type asn1Component struct {
	name     string
	tag      int // -1 when untagged
	optional bool
}

var asn1Comment = regexp.MustCompile(`--.*?(--|\n)`)

// asn1Components reads the components of type name from module text: the body between
// the braces after "name ::= SEQUENCE|CHOICE", split at top-level commas.
func asn1Components(t *testing.T, src, name string) []asn1Component {
	t.Helper()
	src = asn1Comment.ReplaceAllString(src, "\n")
	loc := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*::=\s*(SEQUENCE|CHOICE)\s*\{`).FindStringIndex(src)
	if loc == nil {
		t.Fatalf("%s: no SEQUENCE or CHOICE of that name in the module", name)
	}
	depth, start := 1, loc[1]
	var parts []string
	for i := start; i < len(src) && depth > 0; i++ {
		switch src[i] {
		case '{', '(':
			depth++
		case ')':
			depth--
		case '}':
			depth--
			if depth == 0 {
				parts = append(parts, src[start:i])
			}
		case ',':
			if depth == 1 {
				parts = append(parts, src[start:i])
				start = i + 1
			}
		}
	}
	tagRE := regexp.MustCompile(`^\[(\d+)\]`)
	var out []asn1Component
	for _, p := range parts {
		w := strings.Fields(p)
		if len(w) == 0 || w[0] == "..." {
			continue
		}
		c := asn1Component{name: w[0], tag: -1, optional: strings.Contains(p, "OPTIONAL") || strings.Contains(p, "DEFAULT")}
		if len(w) > 1 {
			if m := tagRE.FindStringSubmatch(w[1]); m != nil {
				c.tag, _ = strconv.Atoi(m[1])
			}
		}
		out = append(out, c)
	}
	return out
}

// TestFieldTables: every field table agrees with the ASN.1 module it was written from
// (shared/asn1, LI-PS-PDU version43 and EmailPDU version20): each entry is a component
// of the type with that context tag and identifier; a SEQUENCE entry is mandatory exactly
// when the component is neither OPTIONAL nor DEFAULT; and a SEQUENCE table leaves out no
// component tagged within its range (the decoder rejects such a tag as unknown) and no
// mandatory component at all.
func TestFieldTables(t *testing.T) {
	root, err := sharedRoot()
	if err != nil {
		t.Fatal(err)
	}
	mods := map[string]string{}
	for _, m := range []string{"LI-PS-PDU", "EmailPDU"} {
		b, err := os.ReadFile(filepath.Join(root, "asn1", m+".asn"))
		if err != nil {
			t.Fatal(err)
		}
		mods[m] = string(b)
	}
	tables := []struct {
		module, typ string
		table       schemaTable
		choice      bool
	}{
		{"LI-PS-PDU", "PS-PDU", psPDUType, false},
		{"LI-PS-PDU", "PSHeader", psHeaderType, false},
		{"LI-PS-PDU", "CommunicationIdentifier", commIDType, false},
		{"LI-PS-PDU", "NetworkIdentifier", netIDType, false},
		{"LI-PS-PDU", "MicroSecondTimeStamp", microType, false},
		{"LI-PS-PDU", "Payload", payloadType, true},
		{"LI-PS-PDU", "IRIPayload", iriPayloadType, false},
		{"LI-PS-PDU", "IRIContents", iriContentsType, true},
		{"LI-PS-PDU", "CCPayload", ccPayloadType, false},
		{"LI-PS-PDU", "CCContents", ccContentsType, true},
		{"LI-PS-PDU", "IPAddress", ipAddressType, false},
		{"LI-PS-PDU", "IP-value", ipValueType, true},
		{"EmailPDU", "MessagingIRI", messagingIRIType, false},
		{"EmailPDU", "Messaging-Event-Category", categoryType, true},
		{"EmailPDU", "Messaging-Party-Information", partyType, false},
		{"EmailPDU", "Messaging-Party-Identity", identityType, true},
		{"EmailPDU", "IP-Address-And-Port", ipPortType, false},
		{"EmailPDU", "Messaging-Property", propertyType, true},
		{"EmailPDU", "MessagingCC", messagingCCType, false},
		{"EmailPDU", "EmailIRI", emailIRIType, false},
		{"EmailPDU", "National-EM-ASN1parameters", nationalType, false},
		{"EmailPDU", "AAAInformation", aaaType, true},
		{"EmailPDU", "POP3AAAInformation", userPassType, false},
		{"EmailPDU", "IMAPAAAInformation", userPassType, false},
		{"EmailPDU", "ASMTPAAAInformation", asmtpType, false},
		{"EmailPDU", "EmailCC", emailCCType, false},
	}
	for _, tc := range tables {
		t.Run(tc.typ, func(t *testing.T) {
			comps := asn1Components(t, mods[tc.module], tc.typ)
			byTag := map[int]asn1Component{}
			for _, c := range comps {
				byTag[c.tag] = c
			}
			fields := tc.table.schema()
			if len(fields) == 0 {
				t.Fatal("empty table")
			}
			inTable := map[int]bool{}
			maxTag := 0
			for _, f := range fields {
				inTable[int(f.tag)] = true
				maxTag = max(maxTag, int(f.tag))
				c, ok := byTag[int(f.tag)]
				switch {
				case !ok:
					t.Errorf("[%d] %s: the module has no component with that tag", f.tag, f.name)
				case c.name != f.name:
					t.Errorf("[%d]: table says %q, module %q", f.tag, f.name, c.name)
				case !tc.choice && f.required == c.optional:
					t.Errorf("[%d] %s: table required=%v, module optional=%v", f.tag, f.name, f.required, c.optional)
				}
			}
			if tc.choice {
				return
			}
			for _, c := range comps {
				if c.tag >= 0 && !inTable[c.tag] && (c.tag <= maxTag || !c.optional) {
					t.Errorf("[%d] %s (optional=%v) is not in the table", c.tag, c.name, c.optional)
				}
			}
		})
	}
}

// TestUndefinedTagRejected: a context tag inside a SEQUENCE's range that its ASN.1 type
// does not define is not an extension addition (those follow the last known tag) and is
// rejected with ErrUnexpectedTag naming the type's path; a tag past the last known one is
// skipped. National-EM-ASN1parameters defines only countryCode [1].
func TestUndefinedTagRejected(t *testing.T) {
	national := func(parts ...[]byte) []byte {
		b := ber.Begin(nil, ber.CtxC(15))
		m := len(b)
		for _, p := range parts {
			b = append(b, p...)
		}
		return ber.End(b, m)
	}
	cc := ber.AppendString(nil, ber.Ctx(1), "DE")
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"countryCode only", national(cc), nil},
		{"extension addition after countryCode", national(cc, ber.AppendString(nil, ber.Ctx(2), "x")), nil},
		{"undefined [0] before countryCode", national(ber.AppendString(nil, ber.Ctx(0), "x"), cc), ErrUnexpectedTag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeFrag(t, tc.b, func(d *dec, e *ber.Element) error {
				_, err := decodeNationalASN1(d, e)
				return err
			})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
