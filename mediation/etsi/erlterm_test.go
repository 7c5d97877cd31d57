package etsi

import (
	"fmt"
	"strconv"
)

// A generic tree for the Erlang terms tools/etsi-decode prints (erlc +maps): maps with atom
// keys, tuples, lists, binaries, strings, integers and atoms. Strings and binaries both
// become eBin, since only the bytes matter for the comparison.
type (
	eTerm  any
	eAtom  string
	eBin   []byte
	eInt   string // decimal, so 64-bit unsigned values survive
	eTuple []eTerm
	eList  []eTerm
	eMap   map[string]eTerm
)

type eParser struct {
	s   string
	pos int
}

func parseErlTerm(s string) (eTerm, error) {
	p := &eParser{s: s}
	t, err := p.term()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.s) {
		return nil, p.errf("trailing input")
	}
	return t, nil
}

func (p *eParser) errf(format string, a ...any) error {
	end := min(p.pos+30, len(p.s))
	return fmt.Errorf("erlang term at %d (%q): %s", p.pos, p.s[p.pos:end], fmt.Sprintf(format, a...))
}

func (p *eParser) ws() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\n' || p.s[p.pos] == '\t' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *eParser) peek() byte {
	p.ws()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *eParser) expect(tok string) error {
	p.ws()
	if len(p.s)-p.pos < len(tok) || p.s[p.pos:p.pos+len(tok)] != tok {
		return p.errf("expected %q", tok)
	}
	p.pos += len(tok)
	return nil
}

func (p *eParser) term() (eTerm, error) {
	switch c := p.peek(); {
	case c == '#':
		return p.mapTerm()
	case c == '{':
		p.pos++
		items, err := p.seq('}')
		return eTuple(items), err
	case c == '[':
		p.pos++
		items, err := p.seq(']')
		return eList(items), err
	case c == '<':
		return p.binary()
	case c == '"':
		s, err := p.quoted('"')
		return eBin(s), err
	case c == '\'':
		s, err := p.quoted('\'')
		return eAtom(s), err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.integer()
	case c >= 'a' && c <= 'z':
		start := p.pos
		for p.pos < len(p.s) && (isAlnum(p.s[p.pos]) || p.s[p.pos] == '_' || p.s[p.pos] == '@') {
			p.pos++
		}
		return eAtom(p.s[start:p.pos]), nil
	}
	return nil, p.errf("unexpected character")
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *eParser) integer() (eTerm, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start || (p.pos == start+1 && p.s[start] == '-') {
		return nil, p.errf("bad integer")
	}
	return eInt(p.s[start:p.pos]), nil
}

func (p *eParser) seq(end byte) ([]eTerm, error) {
	items := []eTerm{}
	if p.peek() == end {
		p.pos++
		return items, nil
	}
	for {
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		items = append(items, t)
		switch p.peek() {
		case ',':
			p.pos++
		case end:
			p.pos++
			return items, nil
		default:
			return nil, p.errf("expected , or %c", end)
		}
	}
}

func (p *eParser) mapTerm() (eTerm, error) {
	if err := p.expect("#{"); err != nil {
		return nil, err
	}
	m := eMap{}
	if p.peek() == '}' {
		p.pos++
		return m, nil
	}
	for {
		k, err := p.term()
		if err != nil {
			return nil, err
		}
		a, ok := k.(eAtom)
		if !ok {
			return nil, p.errf("map key %v is not an atom", k)
		}
		if err := p.expect("=>"); err != nil {
			return nil, err
		}
		v, err := p.term()
		if err != nil {
			return nil, err
		}
		m[string(a)] = v
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return m, nil
		default:
			return nil, p.errf("expected , or }")
		}
	}
}

// binary parses <<>>, <<"text">>, <<"text"/utf8>> and <<1,2,3>> (and mixtures).
func (p *eParser) binary() (eTerm, error) {
	if err := p.expect("<<"); err != nil {
		return nil, err
	}
	out := eBin{}
	if p.peek() == '>' {
		return out, p.expect(">>")
	}
	for {
		switch c := p.peek(); {
		case c == '"':
			s, err := p.quoted('"')
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
			if p.peek() == '/' {
				if err := p.expect("/utf8"); err != nil {
					return nil, err
				}
			}
		default:
			t, err := p.integer()
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(string(t.(eInt)))
			if err != nil || n < 0 || n > 255 {
				return nil, p.errf("binary element %v", t)
			}
			out = append(out, byte(n))
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '>':
			return out, p.expect(">>")
		default:
			return nil, p.errf("expected , or >>")
		}
	}
}

// quoted reads a quoted string or atom with Erlang escapes; characters are bytes (latin-1 output).
func (p *eParser) quoted(q byte) ([]byte, error) {
	p.pos++ // opening quote
	var out []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch c {
		case q:
			return out, nil
		case '\\':
			if p.pos >= len(p.s) {
				return nil, p.errf("dangling escape")
			}
			e := p.s[p.pos]
			p.pos++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'v':
				out = append(out, '\v')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'e':
				out = append(out, 0x1b)
			case 's':
				out = append(out, ' ')
			case 'd':
				out = append(out, 0x7f)
			case '^':
				if p.pos >= len(p.s) {
					return nil, p.errf("dangling ^")
				}
				out = append(out, p.s[p.pos]&0x1f)
				p.pos++
			case 'x':
				start := p.pos
				if p.pos < len(p.s) && p.s[p.pos] == '{' {
					end := start
					for end < len(p.s) && p.s[end] != '}' {
						end++
					}
					n, err := strconv.ParseUint(p.s[start+1:end], 16, 8)
					if err != nil {
						return nil, p.errf("bad \\x{}")
					}
					out = append(out, byte(n))
					p.pos = end + 1
					continue
				}
				n, err := strconv.ParseUint(p.s[start:start+2], 16, 8)
				if err != nil {
					return nil, p.errf("bad \\x")
				}
				out = append(out, byte(n))
				p.pos += 2
			default:
				if e >= '0' && e <= '7' {
					n := int(e - '0')
					for i := 0; i < 2 && p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '7'; i++ {
						n = n*8 + int(p.s[p.pos]-'0')
						p.pos++
					}
					out = append(out, byte(n))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
		}
	}
	return nil, p.errf("unterminated quote")
}
