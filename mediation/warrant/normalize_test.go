package warrant

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/umli/umli/mediation/record"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		name string
		id   record.Identity
		want []string
		err  error
	}{
		{"e164 plus", record.Identity{Kind: record.IdentityE164, Value: "+49 170 1234-567"}, []string{"e164:491701234567"}, nil},
		{"e164 00", record.Identity{Kind: record.IdentityE164, Value: "0049 1701234567"}, []string{"e164:491701234567"}, nil},
		{"e164 bare", record.Identity{Kind: record.IdentityE164, Value: "491701234567"}, []string{"e164:491701234567"}, nil},
		{"e164 tel", record.Identity{Kind: record.IdentityE164, Value: "tel:+491701234567;phone-context=x"}, []string{"e164:491701234567"}, nil},
		{"e164 letters", record.Identity{Kind: record.IdentityE164, Value: "49abc"}, nil, ErrBadE164},
		{"e164 too long", record.Identity{Kind: record.IdentityE164, Value: "+1234567890123456"}, nil, ErrBadE164},
		{"e164 two plus", record.Identity{Kind: record.IdentityE164, Value: "++49"}, nil, ErrBadE164},
		{"email case", record.Identity{Kind: record.IdentityEmail, Value: " Alice@Example.NET "}, []string{"email:alice@example.net"}, nil},
		{"email mailto", record.Identity{Kind: record.IdentityEmail, Value: "mailto:<bob@x.org>"}, []string{"email:bob@x.org"}, nil},
		{"email no at", record.Identity{Kind: record.IdentityEmail, Value: "bob"}, nil, ErrBadEmail},
		{"email empty domain", record.Identity{Kind: record.IdentityEmail, Value: "bob@"}, nil, ErrBadEmail},
		{"box", record.Identity{Kind: record.IdentityBoxID, Value: "1000@Example.net"}, []string{"box:1000@example.net"}, nil},
		{"sip", record.Identity{Kind: record.IdentitySIPURI, Value: "sip:Alice@Example.net:5060;transport=tcp"}, []string{"sip:alice@example.net"}, nil},
		{"sips angle", record.Identity{Kind: record.IdentitySIPURI, Value: "<sips:alice@example.net>"}, []string{"sip:alice@example.net"}, nil},
		{"sip phone", record.Identity{Kind: record.IdentitySIPURI, Value: "sip:+491701234567@ims.example;user=phone"}, []string{"sip:+491701234567@ims.example", "e164:491701234567"}, nil},
		{"sip ext", record.Identity{Kind: record.IdentitySIPURI, Value: "sip:1000@pbx"}, []string{"sip:1000@pbx"}, nil},
		{"sip v6", record.Identity{Kind: record.IdentitySIPURI, Value: "sip:a@[2001:db8::1]:5060"}, []string{"sip:a@[2001:db8::1]"}, nil},
		{"tel uri", record.Identity{Kind: record.IdentitySIPURI, Value: "tel:+49-170-1234567"}, []string{"e164:491701234567"}, nil},
		{"sip no host", record.Identity{Kind: record.IdentitySIPURI, Value: "sip:alice"}, nil, ErrBadSIPURI},
		{"http", record.Identity{Kind: record.IdentitySIPURI, Value: "http://x"}, nil, ErrBadSIPURI},
		{"ip v4", record.Identity{Kind: record.IdentityIP, Value: "192.0.2.1"}, []string{"ip:192.0.2.1"}, nil},
		{"ip mapped", record.Identity{Kind: record.IdentityIP, Value: "::ffff:192.0.2.1"}, []string{"ip:192.0.2.1"}, nil},
		{"ip v6", record.Identity{Kind: record.IdentityIP, Value: "2001:DB8::1"}, []string{"ip:2001:db8::1"}, nil},
		{"ip bad", record.Identity{Kind: record.IdentityIP, Value: "300.1.1.1"}, nil, ErrBadIP},
		{"empty", record.Identity{Kind: record.IdentityEmail, Value: "  "}, nil, ErrEmptyIdentity},
		{"kind", record.Identity{Kind: 99, Value: "x"}, nil, ErrBadKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Keys(nil, tt.id)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("keys = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzKeys: identities come from outside (vendor feeds, SIP headers, SMTP envelopes).
func FuzzKeys(f *testing.F) {
	for _, s := range []string{"+491701234567", "sip:a@b;user=phone", "tel:+1", "a@b", "::1", "<sips:x@[::1]:5>", "0049", "sip:@", "mailto:"} {
		f.Add(1, s)
		f.Add(4, s)
	}
	f.Fuzz(func(t *testing.T, kind int, v string) {
		keys, err := Keys(nil, record.Identity{Kind: record.IdentityKind(kind), Value: v})
		if err != nil {
			if len(keys) != 0 {
				t.Fatalf("keys %q with error %v", keys, err)
			}
			return
		}
		if len(keys) == 0 {
			t.Fatal("no key and no error")
		}
		for _, k := range keys {
			if utf8.ValidString(v) && !utf8.ValidString(k) {
				t.Fatalf("invalid utf8 key %q from %q", k, v)
			}
			again, err := Keys(nil, record.Identity{Kind: record.IdentityKind(kind), Value: v})
			if err != nil || !slices.Equal(again, keys) {
				t.Fatalf("not deterministic: %q vs %q (%v)", keys, again, err)
			}
		}
	})
}

// appendKeyCases are identities whose key Table.Match builds with appendKey: it must be
// exactly Keys' key (or the same error), else a target would be missed.
var appendKeyCases = []record.Identity{
	{Kind: record.IdentityE164, Value: "+49 170 123-45"},
	{Kind: record.IdentityE164, Value: "0049170123456"},
	{Kind: record.IdentityE164, Value: "+0049170123456"},
	{Kind: record.IdentityE164, Value: "tel:+49170;ext=1"},
	{Kind: record.IdentityE164, Value: "TEL:(0)30.1234"},
	{Kind: record.IdentityE164, Value: "00"},
	{Kind: record.IdentityE164, Value: "+"},
	{Kind: record.IdentityE164, Value: "1234567890123456"},
	{Kind: record.IdentityE164, Value: "123456789012345"},
	{Kind: record.IdentityE164, Value: "001234567890123456"},
	{Kind: record.IdentityE164, Value: "49+170"},
	{Kind: record.IdentityE164, Value: "+49+170"},
	{Kind: record.IdentityE164, Value: "49a"},
	{Kind: record.IdentityE164, Value: "   "},
	{Kind: record.IdentityE164, Value: ""},
	{Kind: record.IdentityEmail, Value: "Alice@Example.ORG"},
	{Kind: record.IdentityEmail, Value: " mailto:<bob@x.de> "},
	{Kind: record.IdentityEmail, Value: "MAILTO:a@b"},
	{Kind: record.IdentityEmail, Value: "@b"},
	{Kind: record.IdentityEmail, Value: "a@"},
	{Kind: record.IdentityEmail, Value: "a b@c"},
	{Kind: record.IdentityEmail, Value: "Ä@b.de"},
	{Kind: record.IdentityEmail, Value: ""},
	{Kind: record.IdentitySIPURI, Value: "sip:+49170@x"},
	{Kind: record.IdentityBoxID, Value: "Box-1"},
}

func TestAppendKeyIsKeysKey(t *testing.T) {
	for _, id := range appendKeyCases {
		checkAppendKey(t, id)
	}
}

func checkAppendKey(t *testing.T, id record.Identity) {
	t.Helper()
	k, ok, err := appendKey(nil, id)
	keys, kerr := Keys(nil, id)
	if !ok {
		ascii := true
		for i := 0; i < len(id.Value); i++ {
			ascii = ascii && id.Value[i] < 0x80
		}
		if (id.Kind == record.IdentityE164 || id.Kind == record.IdentityEmail && ascii) && kerr == nil {
			t.Errorf("%+v: appendKey declined an E.164 or ASCII e-mail identity", id)
		}
		return
	}
	switch {
	case (err == nil) != (kerr == nil) || err != nil && !errors.Is(err, kerr) && err.Error() != kerr.Error():
		t.Errorf("%+v: appendKey error %v, Keys error %v", id, err, kerr)
	case err == nil && (len(keys) != 1 || string(k) != keys[0]):
		t.Errorf("%+v: appendKey %q, Keys %q", id, k, keys)
	}
}

func FuzzAppendKey(f *testing.F) {
	for _, id := range appendKeyCases {
		f.Add(int(id.Kind), id.Value)
	}
	f.Fuzz(func(t *testing.T, kind int, v string) {
		checkAppendKey(t, record.Identity{Kind: record.IdentityKind(kind), Value: v})
	})
}
