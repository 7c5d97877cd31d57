package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// spec is asn1gen.spec: which ASN.1 types and fields umli models and their Go names.
type spec struct {
	enums  []*enumSpec
	fields []fieldSpec
	since  map[string]sinceSpec // by "Module TypePath"
}

type enumSpec struct {
	module, path, goType string
	choice               bool // a CHOICE of alternatives used as an enum of their tag numbers
	names                []nameSpec
	line                 int
}

type nameSpec struct {
	asn1, goName string
	line         int
}

type fieldSpec struct {
	module, path string
	// bound is set for a bound the shared modules do not define (lo, hi and its source).
	bound  *Bounds
	source string
	line   int
}

type sinceSpec struct {
	version uint32
	reason  string
}

func readSpec(path string) (*spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := &spec{since: map[string]sinceSpec{}}
	sc := bufio.NewScanner(f)
	n := 0
	var cur *enumSpec
	for sc.Scan() {
		n++
		raw := sc.Text()
		if i := strings.Index(raw, "#"); i >= 0 {
			raw = raw[:i]
		}
		w := strings.Fields(raw)
		if len(w) == 0 {
			continue
		}
		bad := func(want string) error { return fmt.Errorf("%s:%d: want %q", path, n, want) }
		if raw[0] == ' ' || raw[0] == '\t' {
			if cur == nil || len(w) != 2 {
				return nil, bad("<asn1-identifier> <GoName> under an enum or choice line")
			}
			cur.names = append(cur.names, nameSpec{w[0], w[1], n})
			continue
		}
		cur = nil
		switch w[0] {
		case "enum", "choice":
			if len(w) != 4 {
				return nil, bad(w[0] + " <Module> <TypePath> <GoType>")
			}
			cur = &enumSpec{module: w[1], path: w[2], goType: w[3], choice: w[0] == "choice", line: n}
			s.enums = append(s.enums, cur)
		case "field":
			if len(w) != 3 {
				return nil, bad("field <Module> <TypePath>")
			}
			s.fields = append(s.fields, fieldSpec{module: w[1], path: w[2], line: n})
		case "bound":
			if len(w) < 6 || !isNumber(w[3]) || !isNumber(w[4]) {
				return nil, bad("bound <Module> <TypePath> <lo> <hi> <source...>")
			}
			s.fields = append(s.fields, fieldSpec{module: w[1], path: w[2], bound: &Bounds{w[3], w[4]}, source: strings.Join(w[5:], " "), line: n})
		case "since":
			if len(w) < 5 {
				return nil, bad("since <Module> <TypePath> <EmailPDU version> <reason...>")
			}
			v, err := strconv.ParseUint(w[3], 10, 32)
			if err != nil {
				return nil, bad("since <Module> <TypePath> <EmailPDU version> <reason...>")
			}
			s.since[w[1]+" "+w[2]] = sinceSpec{uint32(v), strings.Join(w[4:], " ")}
		default:
			return nil, fmt.Errorf("%s:%d: unknown directive %q", path, n, w[0])
		}
	}
	return s, sc.Err()
}
