package config

import (
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// withDest inserts destination keys (indented 4 spaces) after hi3 in base.
func withDest(keys string) string {
	return strings.Replace(base, "    hi3: 127.0.0.1:2\n", "    hi3: 127.0.0.1:2\n"+keys, 1)
}

// TestProfilePresets: every named preset resolves to what handover/README.md documents,
// and destination keys override it.
func TestProfilePresets(t *testing.T) {
	toi := etsi.TimeStampOfInterception
	tests := []struct {
		name, keys string
		check      func(d *Destination) bool
	}{
		{"default is etsi-default", "", func(d *Destination) bool {
			k := d.KeepAlive
			return d.Profile == "etsi-default" && k.Interval == 30*time.Second && k.ResponseWait == 10*time.Second && k.IdleOnly &&
				k.LIID == "keepalive" && k.CIN != nil && *k.CIN == 0 && k.CountryCodes && d.Precision == etsi.TimeFractionMilli &&
				d.Qualifier != nil && *d.Qualifier == toi && d.Resend == (Resend{PDUs: 1000}) && d.Operator == "OP"
		}},
		{"lemf-no-keepalive-answer", "    profile: lemf-no-keepalive-answer\n", func(d *Destination) bool {
			return d.KeepAlive.ResponseWait == 0 && d.KeepAlive.Interval == 30*time.Second && d.KeepAlive.IdleOnly
		}},
		{"nl-style", "    profile: nl-style\n", func(d *Destination) bool { return d.KeepAlive.LIID == "-" && d.KeepAlive.ResponseWait > 0 }},
		{"confirmed", "    profile: confirmed\n", func(d *Destination) bool { return !d.KeepAlive.IdleOnly && d.KeepAlive.ResponseWait > 0 }},
		{"overrides", "    profile: nl-style\n    timestampPrecision: micro\n    timeStampQualifier: none\n    operator: OP-AT\n    countryCode: AT\n    deliveryCountryCode: NL\n    resend: 64 KiB\n" +
			"    keepAlive: {interval: off, liid: KA, networkElement: ne9, cin: none, countryCodes: false, idleOnly: false, responseWait: 0s}\n", func(d *Destination) bool {
			k := d.KeepAlive
			return d.Precision == etsi.TimeFractionMicro && d.Qualifier == nil && d.Operator == "OP-AT" && d.CountryCode == "AT" &&
				d.DeliveryCountryCode == "NL" && d.Resend == (Resend{Bytes: 64 << 10}) && k.Interval == 0 && k.LIID == "KA" &&
				k.NetworkElement == "ne9" && k.CIN == nil && !k.CountryCodes && !k.IdleOnly && k.ResponseWait == 0
		}},
		{"legacy handover section applies without a profile", "", func(d *Destination) bool {
			return d.KeepAlive.Interval == 5*time.Second && d.KeepAlive.ResponseWait == 2*time.Second && d.Resend == (Resend{PDUs: 7})
		}},
		{"resend none with confirmed keep-alives", "    profile: confirmed\n    resend: none\n", func(d *Destination) bool { return d.Resend == (Resend{}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := withDest(tc.keys)
			if strings.HasPrefix(tc.name, "legacy") {
				doc += "handover: {keepAlive: 5s, keepAliveTimeout: 2s, resendWindow: 7}\n"
			}
			c, err := Parse("c.yaml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if d := c.Destinations["d"]; !tc.check(d) {
				t.Fatalf("resolved %+v", d)
			}
		})
	}
}

// TestProfileErrors: bad profile fields are reported as file:line with the field named.
func TestProfileErrors(t *testing.T) {
	tests := []struct{ name, keys, want string }{
		{"unknown profile", "    profile: fr-style\n", `c.yaml:7: destination "d": profile "fr-style": want one of confirmed, etsi-default, lemf-no-keepalive-answer, nl-style`},
		{"precision", "    timestampPrecision: nano\n", `c.yaml:7: destination "d": timestampPrecision "nano": want milli or micro`},
		{"qualifier", "    timeStampQualifier: soon\n", `c.yaml:7: destination "d": timeStampQualifier "soon"`},
		{"operator", "    operator: " + strings.Repeat("o", 17) + "\n", `c.yaml:7: destination "d": operator: 1 to 16 octets`},
		{"country", "    countryCode: de\n", `c.yaml:7: countryCode "de": want an ISO 3166-1 alpha-2 code`},
		{"resend unit", "    resend: 5 parcels\n", `c.yaml:7: destination "d": resend: "5 parcels": unit "parcels"`},
		{"resend none unconfirmed", "    resend: none\n", `c.yaml:7: destination "d": resend none needs keep-alives answered busy or idle`},
		{"interval", "    keepAlive:\n      interval: often\n", `c.yaml:8: destination "d": keepAlive.interval "often"`},
		{"interval too short", "    keepAlive:\n      interval: 1ms\n", `c.yaml:8: destination "d": keepAlive.interval 1ms: at least 10ms`},
		{"negative wait", "    keepAlive:\n      responseWait: -1s\n", `c.yaml:8: destination "d": keepAlive.responseWait must not be negative`},
		{"liid", "    keepAlive:\n      liid: \"\"\n", `c.yaml:8: destination "d": keepAlive.liid "": 1 to 25 printable ASCII octets`},
		{"cin", "    keepAlive:\n      cin: minus\n", `c.yaml:8: destination "d": keepAlive.cin "minus"`},
		{"ne", "    keepAlive:\n      networkElement: " + strings.Repeat("n", 17) + "\n", `c.yaml:8: destination "d": keepAlive.networkElement: 1 to 16 octets`},
		{"unknown keep-alive key", "    keepAlive:\n      period: 3s\n", `c.yaml:8: field period not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(withDest(tc.keys)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
