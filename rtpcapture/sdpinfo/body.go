package sdpinfo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"
)

// Body is an INVITE (or 200 OK) body split into its parts.
type Body struct {
	SDP      []byte
	Metadata []byte
}

// maxParts bounds the parts of a multipart body.
const maxParts = 8

// SplitBody separates the SDP and the rs-metadata of a SIP message body, which SIPREC
// sends as multipart/mixed (RFC 7866 8.1); a plain application/sdp body is SDP only.
func SplitBody(contentType string, body []byte) (Body, error) {
	if len(body) == 0 {
		return Body{}, nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return Body{}, fmt.Errorf("content-type %q: %w", contentType, err)
	}
	switch {
	case mt == "application/sdp":
		return Body{SDP: body}, nil
	case mt == "application/rs-metadata+xml":
		return Body{Metadata: body}, nil
	case strings.HasPrefix(mt, "multipart/"):
	default:
		return Body{}, fmt.Errorf("content-type %q: neither sdp nor multipart", mt)
	}
	boundary := params["boundary"]
	if boundary == "" {
		return Body{}, fmt.Errorf("content-type %q: multipart without boundary", contentType)
	}
	var b Body
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for i := 0; ; i++ {
		if i == maxParts {
			return Body{}, fmt.Errorf("multipart body: more than %d parts", maxParts)
		}
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Body{}, fmt.Errorf("multipart body part %d: %w", i+1, err)
		}
		data, err := io.ReadAll(io.LimitReader(p, MaxSDPSize+1))
		if err != nil {
			return Body{}, fmt.Errorf("multipart body part %d: %w", i+1, err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch pt {
		case "application/sdp":
			b.SDP = data
		case "application/rs-metadata+xml", "application/rs-metadata":
			b.Metadata = data
		}
	}
	if b.SDP == nil {
		return Body{}, errors.New("multipart body has no application/sdp part")
	}
	return b, nil
}
