package main

import (
	"fmt"
	"strings"
	"unicode"
)

// A deliberately small ASN.1 (X.680) reader: enough of the notation to read type
// assignments with their components, tags, ENUMERATED values, extension markers and
// SIZE / value-range constraints. Anything else inside a type (CONTAINING, FROM, named
// numbers, parameterised types) is skipped as balanced brackets.

type token struct {
	s    string
	line int
}

// lex splits ASN.1 text into tokens; comments ("--" to "--" or end of line) are dropped.
func lex(src string) []token {
	var out []token
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			i += 2
			for i < len(src) && src[i] != '\n' {
				if src[i] == '-' && i+1 < len(src) && src[i+1] == '-' {
					i += 2
					break
				}
				i++
			}
		case strings.HasPrefix(src[i:], "::="):
			out = append(out, token{"::=", line})
			i += 3
		case strings.HasPrefix(src[i:], "..."):
			out = append(out, token{"...", line})
			i += 3
		case strings.HasPrefix(src[i:], ".."):
			out = append(out, token{"..", line})
			i += 2
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				j++
			}
			out = append(out, token{src[i : j+1], line})
			i = j + 1
		case isIdentByte(c):
			j := i
			for j < len(src) && (isIdentByte(src[j]) || (src[j] == '-' && j+1 < len(src) && isIdentByte(src[j+1]))) {
				j++
			}
			out = append(out, token{src[i:j], line})
			i = j
		default:
			out = append(out, token{string(c), line})
			i++
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Module is one parsed ASN.1 module.
type Module struct {
	Name    string
	Version string // last arc of the module OID, e.g. "version20(20)"
	Types   map[string]*Type
}

// Type is an ASN.1 type (assigned or inline).
type Type struct {
	Kind       string // SEQUENCE, SET, CHOICE, ENUMERATED, SEQUENCE OF, SET OF, INTEGER, OCTET STRING, UTF8String, ..., REF
	Ref        string // Kind REF: the referenced type name (Module.Type keeps only Type)
	Components []*Component
	Values     []EnumValue
	Elem       *Type   // SEQUENCE OF / SET OF element
	Size       *Bounds // SIZE constraint
	Range      *Bounds // value range
	Line       int
}

// Component is one SEQUENCE/SET/CHOICE component.
type Component struct {
	Name     string
	Tag      string
	Type     *Type
	Optional bool
	Ext      bool // after the extension marker
}

// EnumValue is one ENUMERATED value.
type EnumValue struct {
	Name string
	Num  int64
	Ext  bool
}

// Bounds are the inclusive bounds of a constraint, as decimal text (they may exceed int64).
type Bounds struct{ Lo, Hi string }

type parser struct {
	t   []token
	i   int
	err error
}

func (p *parser) peek() string {
	if p.i < len(p.t) {
		return p.t[p.i].s
	}
	return ""
}

func (p *parser) line() int {
	if p.i < len(p.t) {
		return p.t[p.i].line
	}
	if len(p.t) > 0 {
		return p.t[len(p.t)-1].line
	}
	return 0
}

func (p *parser) next() string {
	s := p.peek()
	if p.i < len(p.t) {
		p.i++
	}
	return s
}

func (p *parser) fail(format string, a ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("line %d: %s", p.line(), fmt.Sprintf(format, a...))
	}
	p.i = len(p.t)
}

func (p *parser) expect(s string) {
	if got := p.next(); got != s {
		p.fail("expected %q, found %q", s, got)
	}
}

// skipBalanced skips from an opening bracket to its match.
func (p *parser) skipBalanced() {
	depth := 0
	for p.i < len(p.t) {
		switch p.next() {
		case "(", "{", "[":
			depth++
		case ")", "}", "]":
			depth--
			if depth == 0 {
				return
			}
		}
	}
	p.fail("unbalanced brackets")
}

// parseModule reads one module definition.
func parseModule(src string) (*Module, error) {
	p := &parser{t: lex(src)}
	m := &Module{Name: p.next(), Types: map[string]*Type{}}
	if p.peek() == "{" {
		start := p.i
		p.skipBalanced()
		// The last "name(n)" arc of the module OID names the version.
		for j := p.i - 2; j > start; j-- {
			if p.t[j].s == ")" && j >= 3 && p.t[j-2].s == "(" {
				m.Version = p.t[j-3].s + "(" + p.t[j-1].s + ")"
				break
			}
		}
	}
	for p.i < len(p.t) && p.peek() != "BEGIN" {
		p.next()
	}
	p.expect("BEGIN")
	for p.err == nil && p.i < len(p.t) {
		switch tok := p.peek(); {
		case tok == "END":
			return m, nil
		case tok == "IMPORTS" || tok == "EXPORTS":
			for p.i < len(p.t) && p.next() != ";" {
			}
		case isUpperIdent(tok) && p.i+1 < len(p.t) && p.t[p.i+1].s == "::=":
			line := p.line()
			name := p.next()
			p.next()
			t := p.parseType()
			t.Line = line
			m.Types[name] = t
		case isLowerIdent(tok):
			// value assignment: name Type ::= value
			for p.i < len(p.t) && p.peek() != "::=" {
				p.next()
			}
			p.expect("::=")
			if p.peek() == "{" {
				p.skipBalanced()
			} else {
				p.next()
			}
		default:
			p.fail("unexpected %q", tok)
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return nil, fmt.Errorf("module %s: no END", m.Name)
}

func isUpperIdent(s string) bool { return s != "" && unicode.IsUpper(rune(s[0])) }
func isLowerIdent(s string) bool { return s != "" && unicode.IsLower(rune(s[0])) }

// parseType reads a type and the constraints that follow it.
func (p *parser) parseType() *Type {
	t := &Type{Line: p.line()}
	switch tok := p.next(); tok {
	case "SEQUENCE", "SET":
		switch p.peek() {
		case "{":
			t.Kind = tok
			t.Components = p.parseComponents()
		case "(":
			p.parseConstraints(t) // SEQUENCE (SIZE (..)) OF
			p.expect("OF")
			t.Kind = tok + " OF"
			t.Elem = p.parseType()
			return t
		case "OF":
			p.next()
			t.Kind = tok + " OF"
			t.Elem = p.parseType()
			return t
		}
	case "CHOICE":
		t.Kind = tok
		t.Components = p.parseComponents()
	case "ENUMERATED":
		t.Kind = tok
		t.Values = p.parseEnum()
	case "OCTET", "BIT":
		p.expect("STRING")
		t.Kind = tok + " STRING"
	case "OBJECT":
		p.expect("IDENTIFIER")
		t.Kind = "OBJECT IDENTIFIER"
	case "INTEGER":
		t.Kind = tok
		if p.peek() == "{" {
			p.skipBalanced() // named numbers
		}
	case "":
		p.fail("type expected")
	default:
		if isUpperIdent(tok) && isBuiltin(tok) {
			t.Kind = tok
			break
		}
		t.Kind = "REF"
		t.Ref = tok
		for p.peek() == "." { // Module.Type
			p.next()
			t.Ref = p.next()
		}
	}
	p.parseConstraints(t)
	return t
}

func isBuiltin(s string) bool {
	switch s {
	case "BOOLEAN", "NULL", "RELATIVE-OID", "UTF8String", "PrintableString", "IA5String",
		"VisibleString", "NumericString", "GeneralizedTime", "UTCTime", "REAL":
		return true
	}
	return false
}

// parseConstraints reads every "( ... )" after a type.
func (p *parser) parseConstraints(t *Type) {
	for p.err == nil && p.peek() == "(" {
		start := p.i
		p.skipBalanced()
		inner := p.t[start+1 : p.i-1]
		if len(inner) > 0 && inner[0].s == "SIZE" {
			if b := bounds(inner[1:]); b != nil {
				t.Size = b
			}
			continue
		}
		if b := bounds(inner); b != nil {
			t.Range = b
		}
	}
}

// bounds reads "(lo..hi)", "lo..hi" or "(n)"; other constraints (CONTAINING, FROM) give nil.
func bounds(ts []token) *Bounds {
	for len(ts) >= 2 && ts[0].s == "(" && ts[len(ts)-1].s == ")" {
		ts = ts[1 : len(ts)-1]
	}
	switch {
	case len(ts) == 1 && isNumber(ts[0].s):
		return &Bounds{ts[0].s, ts[0].s}
	case len(ts) == 3 && isNumber(ts[0].s) && ts[1].s == ".." && isNumber(ts[2].s):
		return &Bounds{ts[0].s, ts[2].s}
	}
	return nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (p *parser) parseComponents() []*Component {
	p.expect("{")
	var out []*Component
	ext := false
	for p.err == nil {
		switch p.peek() {
		case "}":
			p.next()
			return out
		case ",":
			p.next()
			continue
		case "...":
			p.next()
			ext = !ext // a second marker closes the extension additions
			continue
		}
		c := &Component{Name: p.next(), Ext: ext}
		if !isLowerIdent(c.Name) {
			p.fail("component name expected, found %q", c.Name)
			break
		}
		if p.peek() == "[" {
			p.next()
			for p.peek() != "]" && p.err == nil {
				c.Tag += p.next()
			}
			p.expect("]")
		}
		if p.peek() == "IMPLICIT" || p.peek() == "EXPLICIT" {
			p.next()
		}
		c.Type = p.parseType()
		switch p.peek() {
		case "OPTIONAL":
			p.next()
			c.Optional = true
		case "DEFAULT":
			p.next()
			if p.peek() == "{" {
				p.skipBalanced()
			} else {
				p.next()
			}
			c.Optional = true
		}
		out = append(out, c)
	}
	return out
}

func (p *parser) parseEnum() []EnumValue {
	p.expect("{")
	var out []EnumValue
	ext := false
	for p.err == nil {
		switch tok := p.next(); tok {
		case "}":
			return out
		case ",":
		case "...":
			ext = true
		default:
			v := EnumValue{Name: tok, Ext: ext}
			p.expect("(")
			n := p.next()
			if !isNumber(n) {
				p.fail("enumeration %s: number expected, found %q", tok, n)
				break
			}
			if _, err := fmt.Sscan(n, &v.Num); err != nil {
				p.fail("enumeration %s: number %q: %v", tok, n, err)
				break
			}
			p.expect(")")
			out = append(out, v)
		}
	}
	return out
}
