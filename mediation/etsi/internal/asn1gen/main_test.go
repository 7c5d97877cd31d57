package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shared is the shared reference tree: $UMLI_SHARED, else ../shared next to the repo root.
func shared(t *testing.T) string {
	t.Helper()
	d := os.Getenv("UMLI_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(d, "asn1", "EmailPDU.asn")); os.IsNotExist(err) {
		t.Skipf("%s absent (set UMLI_SHARED)", d)
	}
	return d
}

func runWith(t *testing.T, spec string) (string, error) {
	t.Helper()
	d := shared(t)
	dir := t.TempDir()
	sp := filepath.Join(dir, "asn1gen.spec")
	if err := os.WriteFile(sp, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, run(filepath.Join(d, "asn1"), filepath.Join(d, "spec", "ETSI-TS-102-232-2-V3.3.1.txt"), sp, dir)
}

func realSpec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "asn1gen.spec"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGeneratorDeterministic: two runs give byte-identical output.
func TestGeneratorDeterministic(t *testing.T) {
	spec := realSpec(t)
	a, err := runWith(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := runWith(t, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"asn1_enums_gen.go", "asn1_constraints_gen.go"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs (or is empty)", f)
		}
	}
}

// TestGeneratorChecksMapAgainstASN1: the name map must match the module both ways, and the
// field list must name constrained fields.
func TestGeneratorChecksMapAgainstASN1(t *testing.T) {
	spec := realSpec(t)
	tests := []struct {
		name, old, new, want string
	}{
		{"value missing from the map", "\tcalendar EventCalendar\n", "", "calendar(6) has no Go name"},
		{"map names a value the module lacks", "\tcalendar EventCalendar\n", "\tcalendar EventCalendar\n\tvoicemail EventVoicemail\n", "has no value voicemail"},
		{"value mapped twice", "\tcalendar EventCalendar\n", "\tcalendar EventCalendar\n\tcalendar EventCalendar2\n", "mapped twice"},
		{"unknown type", "enum EmailPDU Messaging-Event MessagingEvent", "enum EmailPDU Messaging-Eventz MessagingEvent", "no type Messaging-Eventz"},
		{"CHOICE alternative the module lacks", "\ttestPDU TRITest\n", "\ttestPDU TRITest\n\tbogusPDU TRIBogus\n", "has no value bogusPDU"},
		{"unconstrained field", "field EmailPDU Messaging-Property.pincode\n", "field EmailPDU Messaging-Property.language\n", "no size or range constraint"},
		{"bound the module defines itself", "field EmailPDU Messaging-Property.pincode\n", "bound EmailPDU Messaging-Property.pincode 1 9 x\n", "remove the bound line"},
		{"no Annex D type and no since line", "since EmailPDU Email-Format 9", "# since EmailPDU Email-Format 9", "add a since line"},
		{"since line for a type Annex D shows", "since EmailPDU Email-Format 9", "since EmailPDU Messaging-Event 9 x\nsince EmailPDU Email-Format 9", "remove its since line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(spec, tc.old) {
				t.Fatalf("asn1gen.spec no longer contains %q", tc.old)
			}
			_, err := runWith(t, strings.Replace(spec, tc.old, tc.new, 1))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestParseEnumExtension: values after "..." are marked, a second marker does not apply to
// ENUMERATED, and constraints are read in both SIZE forms.
func TestParseEnumExtension(t *testing.T) {
	m, err := parseModule(`M {x(1) version3(3)} DEFINITIONS IMPLICIT TAGS ::= BEGIN
E ::= ENUMERATED { a(1), b(2), -- comment -- ..., c(3) }
S ::= SEQUENCE { f [0] OCTET STRING (SIZE(1..9)), g [1] PrintableString (SIZE (2)) OPTIONAL, ..., h [2] INTEGER (0..4294967295) }
L ::= SEQUENCE (SIZE (0..1023)) OF UTF8String(SIZE (0..255))
END`)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "version3(3)" {
		t.Errorf("version %q", m.Version)
	}
	e := m.Types["E"].Values
	if len(e) != 3 || e[0].Ext || e[1].Ext || !e[2].Ext || e[2].Num != 3 {
		t.Errorf("enum values %+v", e)
	}
	s := m.Types["S"].Components
	if *s[0].Type.Size != (Bounds{"1", "9"}) || *s[1].Type.Size != (Bounds{"2", "2"}) || !s[1].Optional || !s[2].Ext || *s[2].Type.Range != (Bounds{"0", "4294967295"}) {
		t.Errorf("components %+v %+v %+v", s[0].Type, s[1].Type, s[2].Type)
	}
	l := m.Types["L"]
	if l.Kind != "SEQUENCE OF" || *l.Size != (Bounds{"0", "1023"}) || *l.Elem.Size != (Bounds{"0", "255"}) {
		t.Errorf("list %+v", l)
	}
}
