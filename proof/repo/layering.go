package repo

import (
	"fmt"
	"slices"
	"strings"
)

// Layers, as data flows: the sources (umsys, rtpcapture, email) hand records to
// mediation, mediation hands PDUs to handover; simulators, proof and cmd sit above and
// wire them. internal/ helpers serve every layer, except the product configuration and
// what assembles the pipeline from it, which sit above the sources and mediation.
var (
	sources  = []string{"umsys/...", "rtpcapture/...", "email/..."}
	above    = []string{"simulators/...", "proof/...", "cmd/..."}
	assembly = []string{"internal/config/...", "internal/demo/...", "internal/pipeline/..."}
	// leaves sit below every layer that uses them, so they import nothing of umli
	// (the TLS builder: sources, mediation, handover and simulators all dial or serve
	// with it).
	leaves = []string{"internal/tlsconf/..."}
)

// Rule refuses, for every package matching From, the imports matching Deny unless they
// match Allow. Patterns are module-relative paths; "p/..." is p and everything below it.
type Rule struct {
	Name  string
	From  []string
	Deny  []string
	Allow []string
}

// Rules is umli's layering. A failure names the offending import and the rule.
var Rules = []Rule{
	{Name: "sources never import each other (umsys)", From: []string{"umsys/..."}, Deny: []string{"rtpcapture/...", "email/..."}},
	{Name: "sources never import each other (rtpcapture)", From: []string{"rtpcapture/..."}, Deny: []string{"umsys/...", "email/..."}},
	{Name: "sources never import each other (email)", From: []string{"email/..."}, Deny: []string{"umsys/...", "rtpcapture/..."}},
	{Name: "sources import nothing of mediation but the record model (mediation/record, mediation/etsi)", From: sources,
		Deny: []string{"mediation/..."}, Allow: []string{"mediation/record/...", "mediation/etsi/..."}},
	{Name: "sources hand records to mediation, never to handover, and never import simulators, proof or cmd", From: sources,
		Deny: append([]string{"handover/..."}, above...)},
	{Name: "mediation imports no source, simulator, proof or cmd", From: []string{"mediation/..."}, Deny: append(slices.Clone(sources), above...)},
	{Name: "handover imports nothing of mediation but BER framing (mediation/etsi/ber)", From: []string{"handover/..."},
		Deny: []string{"mediation/..."}, Allow: []string{"mediation/etsi/ber/..."}},
	{Name: "handover imports no source, simulator, proof or cmd", From: []string{"handover/..."}, Deny: append(slices.Clone(sources), above...)},
	{Name: "the product configuration and the pipeline assembly sit above sources, mediation and handover",
		From: append(slices.Clone(sources), "mediation/...", "handover/..."), Deny: assembly},
	{Name: "simulators never import proof", From: []string{"simulators/..."}, Deny: []string{"proof/..."}},
	{Name: "nothing imports cmd", From: []string{"..."}, Deny: []string{"cmd/..."}},
	{Name: "leaf helpers (internal/tlsconf) import no package of the module", From: leaves, Deny: []string{"..."}},
}

// Package is one package of the import graph: its module-relative path and the
// module-relative paths it imports (outside packages left out).
type Package struct {
	Path    string
	Imports []string
}

// Violation is one import against a rule.
type Violation struct {
	From, Import string
	Rule         string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s imports %s: %s", v.From, v.Import, v.Rule)
}

// Check returns every import of pkgs against rules, in package then import order.
func Check(pkgs []Package, rules []Rule) []Violation {
	var out []Violation
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			for _, r := range rules {
				if matchAny(r.From, p.Path) && matchAny(r.Deny, imp) && !matchAny(r.Allow, imp) {
					out = append(out, Violation{From: p.Path, Import: imp, Rule: r.Name})
				}
			}
		}
	}
	return out
}

func matchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return match(p, path) })
}

// match reports whether path matches pattern: "..." matches everything, "p/..." p and
// its sub-packages, anything else itself only.
func match(pattern, path string) bool {
	if pattern == "..." {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pattern
}
