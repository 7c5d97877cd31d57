package email

import "strings"

// imapCommand is one client command assembled from its lines and literals.
type imapCommand struct {
	// segments are the command's line texts; segment i ends with the literal lits[i]
	// when i < len(lits).
	segments []string
	lits     [][]byte
}

// imapToken is one argument: an atom, a quoted string, a literal, or a parenthesized
// list kept as its raw text.
type imapToken struct {
	text    string
	literal bool
}

// tokens splits the command into arguments (tag and verb included).
func (c *imapCommand) tokens() []imapToken {
	var out []imapToken
	for i, seg := range c.segments {
		if i < len(c.lits) {
			if j := strings.LastIndexByte(seg, '{'); j >= 0 {
				out = append(out, splitIMAPArgs(seg[:j])...)
				out = append(out, imapToken{text: string(c.lits[i]), literal: true})
				continue
			}
		}
		out = append(out, splitIMAPArgs(seg)...)
	}
	return out
}

// splitIMAPArgs tokenizes one line segment without literals.
func splitIMAPArgs(s string) []imapToken {
	var out []imapToken
	for i := 0; i < len(s); {
		switch s[i] {
		case ' ':
			i++
		case '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			out = append(out, imapToken{text: b.String()})
			i = j + 1
		case '(', '[':
			depth, j := 0, i
			for ; j < len(s); j++ {
				if s[j] == '(' || s[j] == '[' {
					depth++
				} else if s[j] == ')' || s[j] == ']' {
					depth--
					if depth == 0 {
						j++
						break
					}
				}
			}
			out = append(out, imapToken{text: s[i:min(j, len(s))]})
			i = j
		default:
			j := i
			// An atom may carry a section ("BODY[HEADER]"): keep brackets inside it.
			inBracket := false
			for ; j < len(s) && (s[j] != ' ' || inBracket); j++ {
				switch s[j] {
				case '[':
					inBracket = true
				case ']':
					inBracket = false
				}
			}
			out = append(out, imapToken{text: s[i:j]})
			i = j
		}
	}
	return out
}

// fetchIsFull reports whether FETCH items retrieve whole messages (e-mail-download)
// rather than parts or attributes (e-mail-partial-download), Table C.1.
func fetchIsFull(items string) bool {
	u := strings.ToUpper(items)
	for _, full := range []string{"BODY[]", "BODY.PEEK[]", "BINARY[]", "BINARY.PEEK[]"} {
		for i := 0; ; {
			j := strings.Index(u[i:], full)
			if j < 0 {
				break
			}
			end := i + j + len(full)
			if end >= len(u) || u[end] != '<' {
				return true
			}
			i = end
		}
	}
	for _, f := range strings.FieldsFunc(u, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		if f == "RFC822" {
			return true
		}
	}
	return false
}

// messageSection reports whether the response text before a literal names a message
// section (BODY[...], BINARY[...], RFC822, RFC822.HEADER, RFC822.TEXT), so the literal
// is message content rather than, say, an ENVELOPE string.
func messageSection(before string) bool {
	// literal8 ("~{n}", RFC 3516) marks binary content.
	u := strings.ToUpper(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(before), "~")))
	for _, item := range []string{"RFC822", "RFC822.HEADER", "RFC822.TEXT"} {
		if strings.HasSuffix(u, " "+item) || strings.HasSuffix(u, "("+item) {
			return true
		}
	}
	i := max(strings.LastIndex(u, "BODY["), strings.LastIndex(u, "BINARY["))
	if i < 0 {
		return false
	}
	rest := u[i:]
	end := strings.LastIndexByte(rest, ']')
	if end < 0 {
		return false
	}
	tail := rest[end+1:]
	// An origin octet ("<0>") may follow the section.
	if strings.HasPrefix(tail, "<") && strings.HasSuffix(tail, ">") {
		tail = ""
	}
	return tail == ""
}
