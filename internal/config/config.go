package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gopkg.in/yaml.v3"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// Destination is one LEA endpoint set, resolved: what mediation writes for it and the
// TLS material handover dials it with.
type Destination struct {
	mediation.Destination
	TLS *TLSFile
}

// Config is a loaded, checked configuration.
type Config struct {
	File
	Path         string
	Destinations map[string]*Destination
	Warrants     []*warrant.Warrant
	Table        *warrant.Table
	// Warnings name settings that are valid but leave something unseen (a proxy that
	// relays TLS it cannot read), as "name:line: warning: reason".
	Warnings []string
}

// Defaults applied when a key is absent.
const (
	DefaultIdleTimeout   = 5 * time.Minute
	DefaultSweepInterval = 10 * time.Second
	DefaultQueueSize     = 10000
	DefaultWorkers       = 8
	DefaultRedisAddr     = "127.0.0.1:6379"
	DefaultNE            = "umli"
)

// Load reads and checks the configuration file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, b)
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// Parse checks a configuration document; name is used in error messages. All problems
// are reported together, one per line, as "name:line: reason".
func Parse(name string, b []byte) (*Config, error) {
	c := &Config{Path: name}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c.File); err != nil {
		return nil, yamlError(name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlError(name, err)
	}
	p := &problems{name: name, root: &root}
	c.check(p)
	if len(p.list) > 0 {
		return nil, errors.Join(p.list...)
	}
	c.Warnings = p.warnings
	return c, nil
}

// yamlError rewrites the decoder's "line N: …" messages as "file:N: …".
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, e := range te.Errors {
			errs = append(errs, errors.New(withFile(name, e)))
		}
		return errors.Join(errs...)
	}
	if err.Error() == "EOF" {
		return fmt.Errorf("%s: empty configuration", name)
	}
	return errors.New(withFile(name, err.Error()))
}

func withFile(name, msg string) string {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		return name + ":" + m[1] + ": " + msg[len(m[0]):]
	}
	return name + ": " + strings.TrimPrefix(msg, "yaml: ")
}

type problems struct {
	name     string
	root     *yaml.Node
	list     []error
	warnings []string
}

// warnf records a warning at the node the path leads to (see addf); warnings do not
// fail the load.
func (p *problems) warnf(path []any, format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf("%s:%d: warning: %s", p.name, lineOf(p.root, path), fmt.Sprintf(format, args...)))
}

// addf records a problem at the node the path leads to (mapping keys as strings, sequence
// indexes as ints); the line of the deepest node found is used.
func (p *problems) addf(path []any, format string, args ...any) {
	line := lineOf(p.root, path)
	p.list = append(p.list, fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

func lineOf(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, step := range path {
		var next *yaml.Node
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						next = n.Content[i+1]
						if next.Kind != yaml.MappingNode && next.Kind != yaml.SequenceNode {
							next.Line = n.Content[i].Line
						}
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}

func path(steps ...any) []any { return steps }

func (c *Config) check(p *problems) {
	f := &c.File
	if f.Instance == "" {
		p.addf(path("instance"), "instance: required (stable id of this umli; names its journal in Redis)")
	} else if strings.ContainsAny(f.Instance, "{} \t") || len(f.Instance) > 64 {
		p.addf(path("instance"), "instance %q: use up to 64 characters without spaces or braces", f.Instance)
	}
	if l := len(f.Operator); l < 1 || l > 16 {
		p.addf(path("operator"), "operator: required, 1 to 16 octets (OperatorIdentifier)")
	}
	if f.NetworkElement == "" {
		f.NetworkElement = DefaultNE
	} else if len(f.NetworkElement) > 16 {
		p.addf(path("networkElement"), "networkElement: at most 16 octets (NetworkElementIdentifier)")
	}
	checkCountry(p, "countryCode", f.CountryCode)
	checkCountry(p, "deliveryCountryCode", f.DeliveryCountryCode)
	switch f.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		p.addf(path("log", "level"), "log.level %q: want debug, info, warn or error", f.Log.Level)
	}
	if f.Metrics.Listen != "" {
		if err := checkAddr(f.Metrics.Listen, true); err != nil {
			p.addf(path("metrics", "listen"), "metrics.listen: %v", err)
		}
	}
	checkHTTPLimits(p, path("metrics"), "metrics", f.Metrics.HTTP)
	checkConnLimits(p, path("metrics"), "metrics", f.Metrics.ConnLimitsFile)
	if f.Limits.ReserveDescriptors < 0 {
		p.addf(path("limits", "reserveDescriptors"), "limits.reserveDescriptors must not be negative")
	} else if f.Limits.ReserveDescriptors == 0 {
		f.Limits.ReserveDescriptors = DefaultReserveDescriptors
	}
	if len(f.Redis.Addrs) == 0 {
		f.Redis.Addrs = []string{DefaultRedisAddr}
	}
	for i, a := range f.Redis.Addrs {
		if err := checkAddr(a, false); err != nil {
			p.addf(path("redis", "addrs", i), "redis.addrs[%d]: %v", i, err)
		}
	}
	if f.Redis.PasswordFile != "" {
		if _, err := os.Stat(f.Redis.PasswordFile); err != nil {
			p.addf(path("redis", "passwordFile"), "redis.passwordFile: %v", err)
		}
	}
	if f.Redis.TLS != nil {
		checkTLS(p, path("redis", "tls"), f.Redis.TLS, false)
	}
	if f.Sessions.IdleTimeout == 0 {
		f.Sessions.IdleTimeout = DefaultIdleTimeout
	} else if f.Sessions.IdleTimeout < time.Second {
		p.addf(path("sessions", "idleTimeout"), "sessions.idleTimeout: at least 1s")
	}
	if f.Sessions.SweepInterval == 0 {
		f.Sessions.SweepInterval = min(DefaultSweepInterval, f.Sessions.IdleTimeout/2)
	} else if f.Sessions.SweepInterval < 10*time.Millisecond {
		p.addf(path("sessions", "sweepInterval"), "sessions.sweepInterval: at least 10ms")
	}
	if f.Queue.Size == 0 {
		f.Queue.Size = DefaultQueueSize
	} else if f.Queue.Size < 0 {
		p.addf(path("queue", "size"), "queue.size: must be positive")
	}
	if f.Queue.Workers == 0 {
		f.Queue.Workers = DefaultWorkers
	} else if f.Queue.Workers < 0 || f.Queue.Workers > 1024 {
		p.addf(path("queue", "workers"), "queue.workers: 1 to 1024")
	}
	c.checkDestinations(p)
	c.checkWarrants(p)
	c.checkSources(p)
}

func checkCountry(p *problems, key, v string) {
	if v == "" {
		return
	}
	if len(v) != 2 || strings.ToUpper(v) != v || v[0] < 'A' || v[1] < 'A' || v[0] > 'Z' || v[1] > 'Z' {
		p.addf(path(key), "%s %q: want an ISO 3166-1 alpha-2 code such as DE", key, v)
	}
}

// checkAddr checks host:port; listen addresses may leave the host empty.
func checkAddr(a string, listen bool) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("address %q: want host:port", a)
	}
	if host == "" && !listen {
		return fmt.Errorf("address %q: host missing", a)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 || (n == 0 && !listen) {
		return fmt.Errorf("address %q: port must be 1..65535", a)
	}
	if strings.ContainsAny(host, " /\\") {
		return fmt.Errorf("address %q: bad host", a)
	}
	return nil
}

func checkTLS(p *problems, at []any, t *TLSFile, mutual bool) {
	if mutual && (t.Cert == "" || t.Key == "" || t.CA == "") {
		p.addf(at, "tls: cert, key and ca required (mutual authentication, LEMF certificate verified)")
	} else if (t.Cert == "") != (t.Key == "") {
		p.addf(at, "tls: cert and key go together")
	}
	for _, f := range []struct{ key, file string }{{"cert", t.Cert}, {"key", t.Key}, {"ca", t.CA}} {
		if f.file == "" {
			continue
		}
		if _, err := os.Stat(f.file); err != nil {
			p.addf(append(at[:len(at):len(at)], f.key), "tls.%s: %v", f.key, err)
		}
	}
}

var qualifiers = map[string]etsi.TimeStampQualifier{
	"unknown":            etsi.TimeStampUnknown,
	"timeOfInterception": etsi.TimeStampOfInterception,
	"timeOfMediation":    etsi.TimeStampOfMediation,
	"timeOfAggregation":  etsi.TimeStampOfAggregation,
}

func (c *Config) checkDestinations(p *problems) {
	c.Destinations = make(map[string]*Destination, len(c.File.Destinations))
	for i, d := range c.File.Destinations {
		at := func(k ...any) []any { return append([]any{"destinations", i}, k...) }
		if d.Name == "" {
			p.addf(at("name"), "destinations[%d]: name required", i)
			continue
		}
		if len(d.Name) > 128 || strings.ContainsAny(d.Name, "{}| \t\r\n") {
			p.addf(at("name"), "destination %q: name must be up to 128 characters without spaces, braces or '|'", d.Name)
			continue
		}
		if _, dup := c.Destinations[d.Name]; dup {
			p.addf(at("name"), "destination %q defined twice", d.Name)
			continue
		}
		r := &Destination{Destination: mediation.Destination{Name: d.Name, Interface: mediation.InterfaceHI2HI3, HI2: d.HI2, HI3: d.HI3,
			Version: etsi.LatestVersion(), Timestamps: mediation.TimestampGeneralized}, TLS: d.TLS}
		switch mediation.Interface(d.Interface) {
		case "", mediation.InterfaceHI2HI3:
		case mediation.InterfaceX2X3:
			r.Interface = mediation.InterfaceX2X3
			if d.TLS == nil {
				// TS 103 221-2 clause 6: X2/X3 runs over TLS with mutual authentication.
				p.addf(at("interface"), "destination %q: interface x2x3 needs tls (TS 103 221-2 requires mutual TLS)", d.Name)
			}
		default:
			p.addf(at("interface"), "destination %q: interface %q: want hi2hi3 or x2x3", d.Name, d.Interface)
		}
		if d.HI2 == "" {
			p.addf(at("hi2"), "destination %q: hi2 address required", d.Name)
		} else if err := checkAddr(d.HI2, false); err != nil {
			p.addf(at("hi2"), "destination %q: hi2: %v", d.Name, err)
		}
		if d.HI3 != "" {
			if err := checkAddr(d.HI3, false); err != nil {
				p.addf(at("hi3"), "destination %q: hi3: %v", d.Name, err)
			}
		}
		if d.TLS != nil {
			checkTLS(p, at("tls"), d.TLS, true)
		}
		if d.Version.Set {
			r.Version = d.Version.Version
		}
		switch d.Timestamps {
		case "", "generalizedTime":
		case "microSecond":
			r.Timestamps = mediation.TimestampMicroSecond
		case "both":
			r.Timestamps = mediation.TimestampBoth
		default:
			p.addf(at("timestamps"), "destination %q: timestamps %q: want generalizedTime, microSecond or both", d.Name, d.Timestamps)
		}
		c.resolveProfile(p, at, &c.File.Destinations[i], r)
		c.Destinations[d.Name] = r
	}
}

func (c *Config) checkWarrants(p *problems) {
	seen := make(map[string]int, len(c.File.Warrants))
	for i, wf := range c.File.Warrants {
		at := func(k ...any) []any { return append([]any{"warrants", i}, k...) }
		if l := len(wf.LIID); l < 1 || l > 25 {
			p.addf(at("liid"), "warrants[%d]: liid required, 1 to 25 octets", i)
			continue
		}
		if strings.IndexFunc(wf.LIID, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
			p.addf(at("liid"), "warrants[%d]: liid must be printable ASCII without spaces", i)
			continue
		}
		if j, dup := seen[wf.LIID]; dup {
			p.addf(at("liid"), "warrant %s: LIID already used by the warrant at line %d", wf.LIID, lineOf(p.root, path("warrants", j, "liid")))
			continue
		}
		seen[wf.LIID] = i
		w := &warrant.Warrant{LIID: wf.LIID, Start: wf.Start, End: wf.End, Destination: wf.Destination, XID: warrant.NameUUID("task", wf.LIID)}
		ok := true
		if wf.XID != "" {
			if x, err := uuid.Parse(wf.XID); err != nil || x == uuid.Nil {
				p.addf(at("xid"), "warrant %s: xid %q: want a non-nil UUID", wf.LIID, wf.XID)
				ok = false
			} else {
				w.XID = x
			}
		}
		if wf.Destination == "" {
			p.addf(at(), "warrant %s: destination required", wf.LIID)
			ok = false
		} else if d, found := c.Destinations[wf.Destination]; !found {
			p.addf(at("destination"), "warrant %s: destination %q is not defined", wf.LIID, wf.Destination)
			ok = false
		} else if sc, _ := warrant.ParseScope(wf.Scope); sc == warrant.ScopeIRICC && d.HI3 == "" {
			p.addf(at("scope"), "warrant %s: scope iri+cc but destination %q has no hi3", wf.LIID, wf.Destination)
			ok = false
		}
		if wf.Scope == "" {
			w.Scope = warrant.ScopeIRI
		} else if sc, valid := warrant.ParseScope(wf.Scope); valid {
			w.Scope = sc
		} else {
			p.addf(at("scope"), "warrant %s: scope %q: want iri or iri+cc", wf.LIID, wf.Scope)
			ok = false
		}
		if wf.Start.IsZero() {
			p.addf(at(), "warrant %s: start required", wf.LIID)
			ok = false
		}
		if !wf.End.IsZero() && !wf.End.After(wf.Start) {
			p.addf(at("end"), "warrant %s: end must be after start", wf.LIID)
			ok = false
		}
		if len(wf.Targets) == 0 {
			p.addf(at(), "warrant %s: at least one target required", wf.LIID)
			ok = false
		}
		for j, tf := range wf.Targets {
			id, err := tf.identity()
			if err == nil {
				_, err = warrant.Keys(nil, id)
			}
			if err != nil {
				p.addf(at("targets", j), "warrant %s: target %d: %v", wf.LIID, j+1, err)
				ok = false
				continue
			}
			w.Targets = append(w.Targets, id)
		}
		if ok {
			c.Warrants = append(c.Warrants, w)
		}
	}
	if len(p.list) > 0 {
		return
	}
	t, err := warrant.NewTable(c.Warrants)
	if err != nil {
		p.addf(path("warrants"), "%v", err)
		return
	}
	c.Table = t
}

func (t TargetFile) identity() (record.Identity, error) {
	var out record.Identity
	n := 0
	for _, f := range []struct {
		kind record.IdentityKind
		v    string
	}{{record.IdentityE164, t.E164}, {record.IdentityEmail, t.Email}, {record.IdentityBoxID, t.BoxID}, {record.IdentitySIPURI, t.SIPURI}, {record.IdentityIP, t.IP}} {
		if f.v != "" {
			out = record.Identity{Kind: f.kind, Value: f.v}
			n++
		}
	}
	if n != 1 {
		return out, errors.New("exactly one of e164, email, boxID, sipURI, ip")
	}
	return out, nil
}
