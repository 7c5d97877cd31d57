package canonical

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/umli/umli/umsys/feed"
)

// Profile maps one vendor's JSON events onto the canonical schema. See SCHEMA.md.
type Profile struct {
	// Name identifies the profile in logs and metrics.
	Name string `yaml:"name"`
	// Fields renames vendor fields (flattened dotted paths) to canonical field names.
	// Fields not listed are dropped unless Passthrough is set.
	Fields map[string]string `yaml:"fields"`
	// Values maps vendor values of a canonical field to canonical values
	// (e.g. event: {NEW_MESSAGE: deposit}).
	Values map[string]map[string]string `yaml:"values"`
	// Defaults are canonical fields set when the event did not give them.
	Defaults map[string]string `yaml:"defaults"`
	// ByEvent are canonical fields set, when absent, for one canonical event value.
	ByEvent map[string]map[string]string `yaml:"by-event"`
	// TimeLayout is the Go time layout of the vendor's time fields; "" accepts
	// RFC 3339 and epoch seconds/milliseconds.
	TimeLayout string `yaml:"time-layout"`
	// Passthrough keeps fields that already carry canonical names.
	Passthrough bool `yaml:"passthrough"`
}

// LoadProfile reads a YAML profile file.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// ParseProfile reads a YAML profile; unknown keys are errors so typos surface.
func ParseProfile(b []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if p.Name == "" {
		return nil, fmt.Errorf("profile has no name")
	}
	if len(p.Fields) == 0 && !p.Passthrough {
		return nil, fmt.Errorf("profile %q maps no fields", p.Name)
	}
	for vendor, canon := range p.Fields {
		if !isCanonicalField(canon) {
			return nil, fmt.Errorf("profile %q: field %q maps to %q, which is not a canonical field", p.Name, vendor, canon)
		}
	}
	return &p, nil
}

// Apply maps vendor fields to canonical ones. A nil profile means the event is
// already canonical.
func (p *Profile) Apply(in []feed.Header) []feed.Header {
	if p == nil {
		return in
	}
	out := make([]feed.Header, 0, len(in)+len(p.Defaults))
	for _, h := range in {
		name, ok := p.Fields[h.Name]
		if !ok {
			if !p.Passthrough || !isCanonicalField(h.Name) {
				continue
			}
			name = h.Name
		}
		v := h.Value
		if m, ok := p.Values[name]; ok {
			if mv, ok := m[v]; ok {
				v = mv
			}
		}
		out = append(out, feed.Header{Name: name, Value: v})
	}
	event := ""
	for _, h := range out {
		if h.Name == "event" {
			event = h.Value
		}
	}
	out = fill(out, p.ByEvent[event])
	return fill(out, p.Defaults)
}

// fill adds the fields of set that out does not have, in a stable order.
func fill(out []feed.Header, set map[string]string) []feed.Header {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.ContainsFunc(out, func(h feed.Header) bool { return h.Name == k }) {
			out = append(out, feed.Header{Name: k, Value: set[k]})
		}
	}
	return out
}

// isCanonicalField reports whether name is a field of the canonical schema.
func isCanonicalField(name string) bool {
	switch name {
	case "session", "source", "system", "box", "time", "category", "event", "status", "trigger",
		"boundary", "event-id", "recipient-count":
		return true
	}
	for _, prefix := range []string{"originating.", "terminating.", "associated.", "property.", "content."} {
		if len(name) > len(prefix) && name[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
