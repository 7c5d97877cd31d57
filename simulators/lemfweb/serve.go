package lemfweb

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/simulators/lemf"
)

// DefaultListen is the viewer's default address: loopback only.
const DefaultListen = "127.0.0.1:8080"

// TLSFlags are the viewer's TLS settings: a server certificate and the CA that client
// certificates must chain to. All three or none.
type TLSFlags struct {
	Cert, Key, ClientCA string
}

func (t TLSFlags) configured() bool { return t.Cert != "" || t.Key != "" || t.ClientCA != "" }

// CheckListen refuses an address that is not loopback unless TLS with client
// certificates is configured: what the viewer shows is evidence. A host name other than
// localhost counts as not loopback (it may resolve anywhere).
func CheckListen(addr string, t TLSFlags) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if isLoopback(host) {
		return nil
	}
	if t.Cert == "" || t.Key == "" || t.ClientCA == "" {
		return fmt.Errorf("listen address %q is not loopback: the viewer shows evidence, so a non-loopback address needs --tls-cert, --tls-key and --client-ca (client certificates required)", addr)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Server is a running viewer.
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Listen checks the address, opens it (TLS when configured) and returns the server;
// Serve runs it.
func Listen(addr string, t TLSFlags, opt Options) (*Server, error) {
	if err := CheckListen(addr, t); err != nil {
		return nil, err
	}
	h, err := New(opt)
	if err != nil {
		return nil, err
	}
	var tlsConf *tls.Config
	if t.configured() {
		// Same rule as the LEMF's listeners: a client certificate from the CA, or nothing.
		if tlsConf, err = lemf.ServerTLSConfig(t.Cert, t.Key, t.ClientCA); err != nil {
			return nil, fmt.Errorf("viewer TLS: %w", err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("viewer listen on %s: %w", addr, err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	return &Server{ln: ln, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: time.Minute, ErrorLog: stdlog.New(logWriter{opt.Log}, "", 0), TLSConfig: tlsConf}}, nil
}

// URL is where the viewer answers.
func (s *Server) URL() string {
	scheme := "http"
	if s.srv.TLSConfig != nil {
		scheme = "https"
	}
	return scheme + "://" + s.ln.Addr().String() + "/"
}

// Serve answers until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("viewer: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

const serveUsage = `usage: lemf serve [--dir DIR] [--listen ADDR] [--tls-cert F --tls-key F --client-ca F] [--log-level L]

Serves a read-only web view of a LEMF output directory: per LIID, network element and CIN
the IRI timeline with sequence gaps and duplicates flagged, the decoded PDUs, an audio
player per reassembled WAV and e-mail content as text. A non-loopback --listen needs TLS
with client certificates.

flags:
`

// Main is `lemf serve ARGS…`: it serves until ctx ends and returns the exit status (0,
// 1 failed, 2 usage). The first stdout line is "serving URL".
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lemf serve", flag.ContinueOnError)
	dir := fs.String("dir", "lemf-out", "LEMF output directory (as written by lemf listen or umli demo)")
	addr := fs.String("listen", DefaultListen, "listen address (loopback unless TLS with client certificates)")
	var t TLSFlags
	fs.StringVar(&t.Cert, "tls-cert", "", "server certificate (PEM); enables TLS")
	fs.StringVar(&t.Key, "tls-key", "", "server private key (PEM)")
	fs.StringVar(&t.ClientCA, "client-ca", "", "CA that client certificates must chain to (PEM)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if code, ok := cli.Parse(fs, serveUsage, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lemf serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		fmt.Fprintf(stderr, "lemf serve: --log-level: %v\n", err)
		return 2
	}
	log := zerolog.New(stderr).Level(lvl).With().Timestamp().Logger()
	s, err := Listen(*addr, t, Options{Dir: *dir, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "lemf serve: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "serving %s\n", s.URL())
	if err := s.Serve(ctx); err != nil {
		fmt.Fprintf(stderr, "lemf serve: %v\n", err)
		return 1
	}
	return 0
}

// LiveFlags are `lemf listen`'s viewer flags: --serve ADDR and its TLS.
type LiveFlags struct {
	Addr string
	TLS  TLSFlags
}

// AddLiveFlags registers --serve, --serve-tls-cert, --serve-tls-key and --serve-client-ca.
func AddLiveFlags(fs *flag.FlagSet) *LiveFlags {
	f := &LiveFlags{}
	fs.StringVar(&f.Addr, "serve", "", "also serve the web viewer on this address (loopback unless --serve-tls-*)")
	fs.StringVar(&f.TLS.Cert, "serve-tls-cert", "", "viewer server certificate (PEM)")
	fs.StringVar(&f.TLS.Key, "serve-tls-key", "", "viewer server private key (PEM)")
	fs.StringVar(&f.TLS.ClientCA, "serve-client-ca", "", "CA that viewer client certificates must chain to (PEM)")
	return f
}

// Start serves the viewer beside a running LEMF until ctx ends; content is placed from
// the LEMF's live summary. It returns nil, nil without --serve. The caller waits on the
// returned channel after cancelling ctx.
func (f *LiveFlags) Start(ctx context.Context, l *lemf.LEMF, dir string, stdout io.Writer, log zerolog.Logger) (<-chan error, error) {
	if f.Addr == "" {
		return nil, nil
	}
	s, err := Listen(f.Addr, f.TLS, Options{Dir: dir, Log: log,
		Summary: func() (lemf.Summary, error) { return l.Summary(), nil }})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "serving %s\n", s.URL())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	return done, nil
}

// logWriter sends net/http's own messages (TLS handshake failures and the like) to
// zerolog.
type logWriter struct{ log zerolog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Warn().Str("component", "lemfweb").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
