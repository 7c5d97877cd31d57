package config

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/umli/umli/mediation/etsi"
)

// VersionFile is a destination's schema version: a preset name or {header, email}.
type VersionFile struct {
	etsi.Version
	// Set is false when the key was absent (the default applies).
	Set bool
}

// Version presets.
var presets = map[string]etsi.Version{
	"ver20":  {Header: etsi.HeaderVersionLatest, Email: etsi.EmailVersionLatest},
	"latest": {Header: etsi.HeaderVersionLatest, Email: etsi.EmailVersionLatest},
	"ver9":   {Header: etsi.HeaderVersionLatest, Email: etsi.EmailVersionSeed},
}

// UnmarshalYAML accepts "ver20", "ver9" or a mapping {header: 43, email: 9}; unknown
// keys are refused here too (a custom unmarshaller escapes the decoder's KnownFields).
func (v *VersionFile) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		p, ok := presets[n.Value]
		if !ok {
			return fmt.Errorf("line %d: version %q: want ver20, ver9 or {header: N, email: M}", n.Line, n.Value)
		}
		v.Version, v.Set = p, true
		return nil
	case yaml.MappingNode:
		v.Version = etsi.LatestVersion()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			u, err := strconv.ParseUint(val.Value, 10, 32)
			if err != nil || val.Kind != yaml.ScalarNode || u == 0 {
				return fmt.Errorf("line %d: version %s: %q is not a positive integer", val.Line, k.Value, val.Value)
			}
			switch k.Value {
			case "header":
				v.Header = uint32(u)
			case "email":
				v.Email = uint32(u)
			default:
				return fmt.Errorf("line %d: version: unknown key %q (want header, email)", k.Line, k.Value)
			}
		}
		v.Set = true
		return nil
	default:
		return fmt.Errorf("line %d: version: want a preset name or a mapping", n.Line)
	}
}
