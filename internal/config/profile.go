package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
)

// KeepAlivePolicy and Resend are mediation's; profiles preset them.
type (
	KeepAlivePolicy = mediation.KeepAlivePolicy
	Resend          = mediation.Resend
)

// Profile is a named set of handover settings (see handover/README.md, "Profiles").
type Profile struct {
	KeepAlive KeepAlivePolicy
	Precision etsi.TimeFraction
	Qualifier *etsi.TimeStampQualifier
	Resend    Resend
}

// DefaultProfile is the profile of a destination that names none.
const DefaultProfile = "etsi-default"

// Presets returns the named profiles; each call returns fresh copies.
func Presets() map[string]Profile {
	base := func() Profile {
		return Profile{
			KeepAlive: KeepAlivePolicy{Interval: 30 * time.Second, ResponseWait: 10 * time.Second, IdleOnly: true,
				LIID: "keepalive", CIN: etsi.Ptr[uint32](0), CountryCodes: true},
			Precision: etsi.TimeFractionMilli,
			Qualifier: etsi.Ptr(etsi.TimeStampOfInterception),
			Resend:    Resend{PDUs: 1000},
		}
	}
	noAnswer := base()
	noAnswer.KeepAlive.ResponseWait = 0
	nl := base()
	nl.KeepAlive.LIID = "-"
	confirmed := base()
	confirmed.KeepAlive.IdleOnly = false
	return map[string]Profile{
		DefaultProfile:             base(),
		"lemf-no-keepalive-answer": noAnswer,
		"nl-style":                 nl,
		"confirmed":                confirmed,
	}
}

func presetNames() string {
	var ns []string
	for n := range Presets() {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}

// resolveProfile fills r's profile fields from the preset, the legacy handover section
// (only for destinations that name no profile) and the destination's own keys.
func (c *Config) resolveProfile(p *problems, at func(k ...any) []any, d *DestinationFile, r *Destination) {
	f := &c.File
	name := d.Profile
	if name == "" {
		name = DefaultProfile
	}
	pr, ok := Presets()[name]
	if !ok {
		p.addf(at("profile"), "destination %q: profile %q: want one of %s", d.Name, d.Profile, presetNames())
		pr = Presets()[DefaultProfile]
	}
	if d.Profile == "" { // the handover section predates profiles and still applies
		h := f.Handover
		switch {
		case h.KeepAlive < 0:
			pr.KeepAlive.Interval = 0
		case h.KeepAlive > 0:
			pr.KeepAlive.Interval = h.KeepAlive
		}
		if h.KeepAliveTimeout > 0 {
			pr.KeepAlive.ResponseWait = h.KeepAliveTimeout
		}
		switch {
		case h.ResendWindow < 0:
			pr.Resend = Resend{}
		case h.ResendWindow > 0:
			pr.Resend = Resend{PDUs: h.ResendWindow}
		}
	}
	r.Profile = name
	r.Operator, r.CountryCode, r.DeliveryCountryCode = f.Operator, f.CountryCode, f.DeliveryCountryCode
	if d.Operator != "" {
		if len(d.Operator) > 16 {
			p.addf(at("operator"), "destination %q: operator: 1 to 16 octets (OperatorIdentifier)", d.Name)
		}
		r.Operator = d.Operator
	}
	if d.CountryCode != "" {
		checkCountryAt(p, at("countryCode"), "countryCode", d.CountryCode)
		r.CountryCode = d.CountryCode
	}
	if d.DeliveryCountryCode != "" {
		checkCountryAt(p, at("deliveryCountryCode"), "deliveryCountryCode", d.DeliveryCountryCode)
		r.DeliveryCountryCode = d.DeliveryCountryCode
	}
	switch d.TimestampPrecision {
	case "":
	case "milli":
		pr.Precision = etsi.TimeFractionMilli
	case "micro":
		pr.Precision = etsi.TimeFractionMicro
	default:
		p.addf(at("timestampPrecision"), "destination %q: timestampPrecision %q: want milli or micro", d.Name, d.TimestampPrecision)
	}
	switch d.TimeStampQualifier {
	case "":
	case "none":
		pr.Qualifier = nil
	default:
		q, ok := qualifiers[d.TimeStampQualifier]
		if !ok {
			p.addf(at("timeStampQualifier"), "destination %q: timeStampQualifier %q: want timeOfInterception, timeOfMediation, timeOfAggregation, unknown or none", d.Name, d.TimeStampQualifier)
		}
		pr.Qualifier = &q
	}
	if d.Resend != "" {
		rs, err := ParseResend(d.Resend)
		if err != nil {
			p.addf(at("resend"), "destination %q: resend: %v", d.Name, err)
		}
		pr.Resend = rs
	}
	if k := d.KeepAlive; k != nil {
		checkKeepAlive(p, func(key string) []any { return at("keepAlive", key) }, d.Name, k, &pr.KeepAlive)
	}
	ka := &pr.KeepAlive
	if ka.Interval > 0 && pr.Resend == (Resend{}) && (ka.IdleOnly || ka.ResponseWait == 0) {
		// Without answers on a busy link nothing is confirmed: trimming follows the socket
		// writes, and PDUs in socket buffers at a connection loss would be a gap.
		p.addf(at("resend"), "destination %q: resend none needs keep-alives answered busy or idle (keepAlive.idleOnly: false, responseWait > 0, e.g. profile confirmed); otherwise PDUs in socket buffers at a connection loss would leave a sequence gap at the LEMF", d.Name)
	}
	if ka.Interval == 0 && pr.Resend == (Resend{}) {
		p.addf(at("resend"), "destination %q: resend none with keep-alives off would leave a sequence gap at the LEMF after a connection loss; keep a window", d.Name)
	}
	r.KeepAlive, r.Precision, r.Qualifier, r.Resend = pr.KeepAlive, pr.Precision, pr.Qualifier, pr.Resend
}

func checkKeepAlive(p *problems, at func(string) []any, name string, k *KeepAliveFile, ka *KeepAlivePolicy) {
	if k.Interval != nil {
		v := strings.TrimSpace(*k.Interval)
		d, err := time.ParseDuration(v)
		switch {
		case v == "off" || (err == nil && d < 0):
			ka.Interval = 0
		case err != nil:
			p.addf(at("interval"), "destination %q: keepAlive.interval %q: want a duration such as 30s, or off", name, v)
		case d < 10*time.Millisecond:
			p.addf(at("interval"), "destination %q: keepAlive.interval %v: at least 10ms (or off)", name, d)
		default:
			ka.Interval = d
		}
	}
	if k.ResponseWait != nil {
		if *k.ResponseWait < 0 {
			p.addf(at("responseWait"), "destination %q: keepAlive.responseWait must not be negative (0: the LEMF never answers)", name)
		} else {
			ka.ResponseWait = *k.ResponseWait
		}
	}
	if k.IdleOnly != nil {
		ka.IdleOnly = *k.IdleOnly
	}
	if k.LIID != nil {
		l := *k.LIID
		if len(l) < 1 || len(l) > 25 || strings.IndexFunc(l, func(r rune) bool { return r < ' ' || r > '~' }) >= 0 {
			p.addf(at("liid"), "destination %q: keepAlive.liid %q: 1 to 25 printable ASCII octets", name, l)
		} else {
			ka.LIID = l
		}
	}
	if k.NetworkElement != nil {
		if l := len(*k.NetworkElement); l < 1 || l > 16 {
			p.addf(at("networkElement"), "destination %q: keepAlive.networkElement: 1 to 16 octets", name)
		} else {
			ka.NetworkElement = *k.NetworkElement
		}
	}
	if k.CIN != nil {
		if *k.CIN == "none" {
			ka.CIN = nil
		} else if n, err := strconv.ParseUint(*k.CIN, 10, 32); err != nil {
			p.addf(at("cin"), "destination %q: keepAlive.cin %q: want 0..4294967295 or none", name, *k.CIN)
		} else {
			ka.CIN = etsi.Ptr(uint32(n))
		}
	}
	if k.CountryCodes != nil {
		ka.CountryCodes = *k.CountryCodes
	}
	if ka.Interval > 0 && ka.ResponseWait > 0 && ka.ResponseWait < 10*time.Millisecond {
		p.addf(at("responseWait"), "destination %q: keepAlive.responseWait %v: at least 10ms, or 0 when the LEMF never answers", name, ka.ResponseWait)
	}
}

// ParseResend reads a resend policy: none, N or "N pdus", "N bytes", "N KiB", "N MiB".
func ParseResend(s string) (Resend, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "none" || v == "0" {
		return Resend{}, nil
	}
	num, unit := v, ""
	if i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return Resend{}, fmt.Errorf("%q: want none, N, N pdus, N bytes, N KiB or N MiB", s)
	}
	switch unit {
	case "", "pdu", "pdus":
		if n > 1_000_000 {
			return Resend{}, fmt.Errorf("%q: at most 1000000 PDUs", s)
		}
		return Resend{PDUs: int(n)}, nil
	case "b", "byte", "bytes":
	case "kib", "k", "kb":
		n <<= 10
	case "mib", "m", "mb":
		n <<= 20
	default:
		return Resend{}, fmt.Errorf("%q: unit %q: want pdus, bytes, KiB or MiB", s, unit)
	}
	if n > 1<<30 {
		return Resend{}, fmt.Errorf("%q: at most 1 GiB", s)
	}
	return Resend{Bytes: n}, nil
}

func checkCountryAt(p *problems, at []any, key, v string) {
	if len(v) != 2 || v[0] < 'A' || v[1] < 'A' || v[0] > 'Z' || v[1] > 'Z' {
		p.addf(at, "%s %q: want an ISO 3166-1 alpha-2 code such as DE", key, v)
	}
}
