package x1

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits bound what the decoder accepts; they are the defence against XML bombs.
// encoding/xml never expands external or custom entities, and DOCTYPE is refused
// outright, so what remains is plain size: bytes, nesting and token count.
type Limits struct {
	MaxBytes    int // whole document
	MaxDepth    int // element nesting
	MaxTokens   int // start elements, text runs, comments …
	MaxMessages int // x1RequestMessage elements per document
}

// DefaultLimits returns limits that fit any sane X1 request with room to spare: the deepest valid request
// (a destination's IPv4 address) nests 8 levels.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxTokens: 100_000, MaxMessages: 256}
}

// scan walks the document once with a token reader before any unmarshalling, refusing
// DTDs, processing instructions other than the XML declaration, a second root element,
// and anything over the limits. The error names the byte offset.
func scan(b []byte, lim Limits) error {
	if len(b) > lim.MaxBytes {
		return errorf(CodeTooLarge, "request is %d bytes, limit %d", len(b), lim.MaxBytes)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	depth, tokens, roots := 0, 0, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &Error{Code: CodeSyntax, Msg: fmt.Sprintf("not well-formed XML at byte %d", d.InputOffset()), Err: err}
		}
		tokens++
		if tokens > lim.MaxTokens {
			return errorf(CodeTooLarge, "more than %d XML tokens", lim.MaxTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return errorf(CodeSyntax, "second root element at byte %d", d.InputOffset())
				}
			}
			depth++
			if depth > lim.MaxDepth {
				return errorf(CodeTooLarge, "elements nested deeper than %d at byte %d", lim.MaxDepth, d.InputOffset())
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			return errorf(CodeSyntax, "DOCTYPE or other <!…> declaration at byte %d is not allowed", d.InputOffset())
		case xml.ProcInst:
			if t.Target != "xml" || tokens != 1 {
				return errorf(CodeSyntax, "processing instruction <?%.20s at byte %d is not allowed", t.Target, d.InputOffset())
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return errorf(CodeSyntax, "text outside the root element at byte %d", d.InputOffset())
			}
		case xml.Comment:
		}
	}
	if roots == 0 {
		return errorf(CodeSyntax, "no root element")
	}
	if depth != 0 {
		return errorf(CodeSyntax, "document ends inside an element")
	}
	return nil
}

// DecodeRequest parses an X1Request document within lim.
func DecodeRequest(b []byte, lim Limits) (*Request, error) {
	if err := scan(b, lim); err != nil {
		return nil, err
	}
	var req Request
	if err := xml.Unmarshal(b, &req); err != nil {
		return nil, &Error{Code: CodeSyntax, Msg: "not an X1Request document", Err: err}
	}
	if len(req.Messages) == 0 {
		return nil, errorf(CodeSyntax, "X1Request holds no x1RequestMessage")
	}
	if len(req.Messages) > lim.MaxMessages {
		return nil, errorf(CodeTooLarge, "%d request messages, limit %d", len(req.Messages), lim.MaxMessages)
	}
	return &req, nil
}

// DecodeResponse parses an X1Response or X1TopLevelErrorResponse document within lim.
// A top-level error response comes back as an error.
func DecodeResponse(b []byte, lim Limits) (*Response, error) {
	if err := scan(b, lim); err != nil {
		return nil, err
	}
	if isTopLevelError(b) {
		var tle TopLevelError
		if err := xml.Unmarshal(b, &tle); err != nil {
			return nil, &Error{Code: CodeSyntax, Msg: "not an X1TopLevelErrorResponse document", Err: err}
		}
		return nil, fmt.Errorf("x1: NE %q answered with a top-level error response (request not parseable)", tle.NeIdentifier)
	}
	var resp Response
	if err := xml.Unmarshal(b, &resp); err != nil {
		return nil, &Error{Code: CodeSyntax, Msg: "not an X1Response document", Err: err}
	}
	if len(resp.Messages) == 0 {
		return nil, errorf(CodeSyntax, "X1Response holds no x1ResponseMessage")
	}
	return &resp, nil
}

func isTopLevelError(b []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local == "X1TopLevelErrorResponse"
		}
	}
}

// localType strips a namespace prefix from an xsi:type value.
func localType(t string) string {
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		return t[i+1:]
	}
	return t
}
