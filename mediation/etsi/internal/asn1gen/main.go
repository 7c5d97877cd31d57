// Command asn1gen generates the enumeration tables and the size/range constraint
// constants of package etsi from the ASN.1 modules in shared/asn1 (EmailPDU version20,
// LI-PS-PDU version43), the Annex D text of TS 102 232-2 V3.3.1 (EmailPDU ver9, for the
// first version of every enumeration value) and asn1gen.spec, our hand-written map of Go
// names. It fails when the map and the modules disagree in either direction.
//
//	go run ./internal/asn1gen -asn1 DIR -annexd FILE -map asn1gen.spec -out DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	asn1Dir := flag.String("asn1", "", "directory holding EmailPDU.asn and LI-PS-PDU.asn")
	annexD := flag.String("annexd", "", "text of ETSI TS 102 232-2 V3.3.1 (Annex D: EmailPDU ver9)")
	mapFile := flag.String("map", "asn1gen.spec", "Go name map and field list")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := run(*asn1Dir, *annexD, *mapFile, *out); err != nil {
		fmt.Fprintln(os.Stderr, "asn1gen:", err)
		os.Exit(1)
	}
}

func run(asn1Dir, annexD, mapFile, out string) error {
	if asn1Dir == "" || annexD == "" {
		return fmt.Errorf("-asn1 and -annexd are required")
	}
	mods := map[string]*Module{}
	for _, name := range []string{"EmailPDU", "LI-PS-PDU"} {
		src, err := os.ReadFile(filepath.Join(asn1Dir, name+".asn"))
		if err != nil {
			return err
		}
		m, err := parseModule(string(src))
		if err != nil {
			return fmt.Errorf("%s.asn: %w", name, err)
		}
		if m.Name != name {
			return fmt.Errorf("%s.asn defines module %s", name, m.Name)
		}
		mods[name] = m
	}
	annex, err := os.ReadFile(annexD)
	if err != nil {
		return err
	}
	spec, err := readSpec(mapFile)
	if err != nil {
		return err
	}
	g := &generator{mods: mods, annexD: string(annex), spec: spec}
	enums, err := g.enums()
	if err != nil {
		return err
	}
	cons, err := g.constraints()
	if err != nil {
		return err
	}
	if err := writeGo(filepath.Join(out, "asn1_enums_gen.go"), enums); err != nil {
		return err
	}
	return writeGo(filepath.Join(out, "asn1_constraints_gen.go"), cons)
}
