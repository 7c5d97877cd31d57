package proxy

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// errKind names an error's kind without its text: network errors carry the client's
// address, which is a target identity and must not reach the logs.
func errKind(err error) string {
	var ne net.Error
	var rec tls.RecordHeaderError
	var alert tls.AlertError
	var cv *tls.CertificateVerificationError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &cv):
		return "TLS certificate not trusted"
	case errors.As(err, &rec), errors.As(err, &alert):
		return "TLS handshake failed"
	case errors.Is(err, net.ErrClosed):
		return "connection closed locally"
	}
	return "I/O error"
}
