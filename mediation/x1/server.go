package x1

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
)

// ServerOptions are the optional parts of NewServer.
type ServerOptions struct {
	// NEIdentifier is umli's neIdentifier in responses (default "umli").
	NEIdentifier string
	// ADMFIdentifier, when set, is the only admfIdentifier accepted.
	ADMFIdentifier string
	// Limits bound request documents (default DefaultLimits()).
	Limits Limits
	// Now is the server's clock (default time.Now).
	Now func() time.Time
	// Redactor, when set, learns target identities as tasks are provisioned.
	Redactor *secret.Redactor
	// CheckDestination, when set, vets a destination before it is stored; umli run
	// uses it to require that friendlyName names a configured destination. Its error
	// becomes an X1 error 3004.
	CheckDestination func(*Destination) error
}

// Server answers X1 requests. It is an http.Handler; Serve runs it over mutual TLS.
type Server struct {
	store *Store
	audit *audit.Log
	log   zerolog.Logger
	opt   ServerOptions
}

// NewServer returns an X1 server over store, recording every request in auditLog.
func NewServer(store *Store, auditLog *audit.Log, log zerolog.Logger, opt ServerOptions) *Server {
	if opt.NEIdentifier == "" {
		opt.NEIdentifier = "umli"
	}
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Server{store: store, audit: auditLog, log: log, opt: opt}
}

// AuditRefusal records a TLS client the server refused; pass it to ServerTLSConfig.
func (s *Server) AuditRefusal(r ClientRefusal) {
	actor := r.Subject
	if actor == "" {
		actor = "unauthenticated"
	}
	s.record(actor, audit.ActionTLSHandshake, map[string]string{"remote": r.Remote, "reason": r.Reason}, "refused")
	s.log.Warn().Str("remote", r.Remote).Str("reason", r.Reason).Msg("x1: client refused")
}

// Serve runs the server on ln with tlsConf (from ServerTLSConfig) until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tlsConf *tls.Config) error {
	hs := &http.Server{
		Handler:           s,
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		// The stdlib's connection-level errors go to our logger, not to stderr.
		ErrorLog: stdlog.New(s.log.With().Str("component", "x1-http").Logger(), "", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ServeTLS(ln, "", "") }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		<-errc //nolint:errcheck // ErrServerClosed after Shutdown
		return ctx.Err()
	case err := <-errc:
		return fmt.Errorf("x1: serve: %w", err)
	}
}

func (s *Server) record(actor, action string, detail map[string]string, result string) {
	if s.audit == nil {
		return
	}
	if _, err := s.audit.Append(actor, action, detail, result); err != nil {
		// An unaudited act is a compliance failure; it is loud in the log, and the
		// request itself has already been answered.
		s.log.Error().Err(err).Str("action", action).Msg("x1: audit append failed")
	}
}

// ServeHTTP answers one X1 request document.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	actor := peerSubject(r.TLS)
	if r.Method != http.MethodPost {
		s.record(actor, "X1Request", map[string]string{"remote": r.RemoteAddr, "method": r.Method}, "refused: method")
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "X1 requests are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.opt.Limits.MaxBytes)))
	if err != nil {
		var mbe *http.MaxBytesError
		msg := "reading request body"
		status := http.StatusBadRequest
		if errors.As(err, &mbe) {
			msg, status = fmt.Sprintf("request over %d bytes", s.opt.Limits.MaxBytes), http.StatusRequestEntityTooLarge
		}
		s.topLevelError(w, actor, r.RemoteAddr, status, msg)
		return
	}
	req, err := DecodeRequest(body, s.opt.Limits)
	if err != nil {
		_, msg := codeOf(err)
		s.topLevelError(w, actor, r.RemoteAddr, http.StatusBadRequest, msg)
		return
	}
	resp := &Response{Messages: make([]Message, 0, len(req.Messages))}
	for i := range req.Messages {
		resp.Messages = append(resp.Messages, s.handle(r.Context(), actor, &req.Messages[i]))
	}
	out, err := EncodeResponse(resp)
	if err != nil {
		s.log.Error().Err(err).Msg("x1: encoding response")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}

func (s *Server) topLevelError(w http.ResponseWriter, actor, remote string, status int, msg string) {
	s.record(actor, "X1Request", map[string]string{"remote": remote, "error": msg}, "rejected")
	s.log.Warn().Str("actor", actor).Str("error", msg).Msg("x1: request rejected")
	out, err := EncodeTopLevelError(&TopLevelError{Header: s.header("")})
	if err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// token reduces s to a valid xs:token (no leading, trailing or doubled white space).
func token(s, fallback string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 256 {
		return fallback
	}
	return s
}

func (s *Server) header(admf string) Header {
	return Header{
		AdmfIdentifier:   token(admf, "unknown"),
		NeIdentifier:     s.opt.NEIdentifier,
		MessageTimestamp: FormatTime(s.opt.Now()),
		Version:          Version,
	}
}

// handle answers one request message and audits it.
func (s *Server) handle(ctx context.Context, actor string, m *Message) Message {
	txid := strings.TrimSpace(m.X1TransactionID)
	if !ValidUUID(txid) {
		txid = "00000000-0000-0000-0000-000000000000"
	}
	name := localType(m.TypeIn)
	rt, known := parseRequestType(name)
	detail := map[string]string{"transactionId": txid}
	resp, err := s.dispatch(ctx, rt, known, m, detail)
	resp.Header = s.header(m.AdmfIdentifier)
	resp.X1TransactionID = txid
	action := strings.TrimSuffix(name, "Request")
	if action == "" {
		action = "X1RequestMessage"
	}
	if err != nil {
		code, msg := codeOf(err)
		rmt, ok := schemaRequestType(strings.TrimSuffix(name, "Request"))
		if !ok {
			rmt = "ExtendedRequestMessageType"
		}
		code = wireCode(code, rmt)
		resp = Message{TypeOut: "ErrorResponse", Header: resp.Header, X1TransactionID: txid,
			RequestMessageType: rmt, ErrorInformation: &ErrorInformation{ErrorCode: int(code), ErrorDescription: describe(err)}}
		detail["error"] = msg
		detail["code"] = itoa(int(code))
		s.record(actor, token(action, "X1RequestMessage"), detail, "error")
		s.log.Warn().Str("actor", actor).Str("request", action).Int("code", int(code)).Str("error", msg).Msg("x1: request failed")
		return resp
	}
	s.record(actor, string(rt), detail, "ok")
	s.log.Info().Str("actor", actor).Str("request", string(rt)).Msg("x1: request done")
	return resp
}

// describe is the errorDescription sent back to the ADMF: the message and, for syntax
// errors, the parser's detail.
func describe(err error) string {
	var xe *Error
	if errors.As(err, &xe) {
		if xe.Code == CodeSyntax && xe.Err != nil {
			return xe.Msg + ": " + xe.Err.Error()
		}
		return xe.Msg
	}
	return "internal error"
}

func (s *Server) checkHeader(m *Message) error {
	if !versionRE.MatchString(strings.TrimSpace(m.Version)) {
		return errorf(CodeVersion, "version must look like v1.N.N")
	}
	if !ValidUUID(strings.TrimSpace(m.X1TransactionID)) {
		return errorf(CodeBadIdentifier, "x1TransactionId is not a lower-case UUID")
	}
	if s.opt.ADMFIdentifier != "" && strings.TrimSpace(m.AdmfIdentifier) != s.opt.ADMFIdentifier {
		return errorf(CodeSyntax, "admfIdentifier is not the configured ADMF")
	}
	if ne := strings.TrimSpace(m.NeIdentifier); ne != s.opt.NEIdentifier {
		return errorf(CodeSyntax, "neIdentifier %q is not this NE (%s)", token(ne, ""), s.opt.NEIdentifier)
	}
	if len(m.Unknown) > 0 {
		return errorf(CodeSyntax, "element %s not expected in a request message", m.Unknown[0].XMLName.Local)
	}
	return nil
}
