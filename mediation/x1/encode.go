package x1

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
)

// EncodeRequest renders an X1Request document. Each message's TypeOut must be set (the
// Client does it from the request type).
func EncodeRequest(req *Request) ([]byte, error) {
	req.XSI = NSXSI
	return encode(req)
}

// EncodeResponse renders an X1Response document.
func EncodeResponse(resp *Response) ([]byte, error) {
	resp.XSI = NSXSI
	return encode(resp)
}

// EncodeTopLevelError renders an X1TopLevelErrorResponse document.
func EncodeTopLevelError(t *TopLevelError) ([]byte, error) { return encode(t) }

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("x1: encode: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// NewUUID returns a random (version 4) UUID in the lower-case form X1 requires.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
