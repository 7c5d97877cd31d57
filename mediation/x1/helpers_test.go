package x1

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/testcert"
	"github.com/umli/umli/internal/testlog"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
)

// sharedDir finds /work/shared: $UMLI_SHARED, else ../shared beside the repo root.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("UMLI_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repo root (go.mod) not found; set UMLI_SHARED")
		}
		dir = parent
	}
}

// validateXSD runs xmllint --schema over doc and fails the test when it does not validate.
func validateXSD(t testing.TB, doc []byte) {
	t.Helper()
	if err := xsdErr(t, doc); err != nil {
		t.Fatalf("%v\n--- document ---\n%s", err, doc)
	}
}

// xsdErr validates doc against TS_103_221_01.xsd with xmllint.
func xsdErr(t testing.TB, doc []byte) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint not found (apt-get install libxml2-utils): %v", err)
	}
	xsd := filepath.Join(sharedDir(t), "x1", "TS_103_221_01.xsd")
	if _, err := os.Stat(xsd); err != nil {
		t.Fatalf("X1 schema: %v", err)
	}
	cmd := exec.Command(bin, "--noout", "--nonet", "--schema", xsd, "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("document does not validate against TS_103_221_01.xsd: %v\n%s", err, out)
	}
	return nil
}

// pki is a throw-away CA with server and client certificates.
type pki struct {
	pool       *x509.CertPool
	server     tls.Certificate
	client     tls.Certificate
	expired    tls.Certificate
	stranger   tls.Certificate // signed by another CA
	serverOnly tls.Certificate // right CA, but no clientAuth usage
}

func leaf(t testing.TB, ca *testcert.CA, cn string, u testcert.Usage, notAfter time.Time) tls.Certificate {
	t.Helper()
	return ca.IssueSubject(t, pkix.Name{CommonName: cn, Organization: []string{"umli test"}}, u, notAfter).TLS
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	ca := testcert.NewCA(t, "umli test CA")
	p := &pki{pool: ca.Pool}
	later := time.Now().Add(12 * time.Hour)
	p.server = leaf(t, ca, "umli-x1", testcert.Server, later)
	p.client = leaf(t, ca, "admf-1", testcert.Client, later)
	p.expired = leaf(t, ca, "admf-old", testcert.Client, time.Now().Add(-time.Hour))
	p.serverOnly = leaf(t, ca, "not-a-client", testcert.Server, later)
	p.stranger = leaf(t, testcert.NewCA(t, "rogue CA"), "admf-rogue", testcert.Client, later)
	return p
}

func (p *pki) clientTLS(cert *tls.Certificate) *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.pool}
	if cert != nil {
		// Always present the certificate, even when its CA is not among those the server
		// names, so the server's own verification is what refuses it.
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	return c
}

const testKeyring = "enc k1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nmac m1 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8="

// env is a running X1 server over a real redis-server and a real TLS listener.
type env struct {
	redis     *testredis.Server
	rdb       redis.UniversalClient
	store     *Store
	server    *Server
	auditPath string
	audit     *audit.Log
	pki       *pki
	url       string
	logs      *testlog.Buffer
	redactor  *secret.Redactor
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with server options adjusted by opt.
func newEnvWith(t *testing.T, opt func(*ServerOptions)) *env {
	t.Helper()
	srv := testredis.Start(t)
	rdb := srv.Client(t)
	keys, err := secret.ParseKeyring(testKeyring, "test")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{redis: srv, rdb: rdb, pki: newPKI(t), logs: &testlog.Buffer{}}
	e.store = NewStore(rdb, keys, StoreOptions{})
	e.auditPath = filepath.Join(t.TempDir(), "audit.jsonl")
	e.audit, err = audit.Open(e.auditPath, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.audit.Close() })
	e.redactor = secret.NewRedactor(e.logs)
	log := zerolog.New(e.redactor)
	so := ServerOptions{Redactor: e.redactor}
	if opt != nil {
		opt(&so)
	}
	e.server = NewServer(e.store, e.audit, log, so)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsConf := NewServerTLSConfig(e.pki.server, e.pki.pool, e.server.AuditRefusal, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.server.Serve(ctx, ln, tlsConf) }()
	t.Cleanup(func() { cancel(); <-done })
	e.url = "https://" + ln.Addr().String() + "/X1/NE"
	return e
}

func (e *env) client(t *testing.T, cert *tls.Certificate) *Client {
	t.Helper()
	c := NewClient(e.url, e.pki.clientTLS(cert), ClientOptions{})
	t.Cleanup(c.Close)
	return c
}

// auditEntries reads the audit file, verifying it.
func (e *env) auditLines(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(e.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(bytes.NewReader(b)); err != nil {
		t.Fatalf("audit log does not verify: %v", err)
	}
	return string(b)
}

func lastLine(s string) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	return ls[len(ls)-1]
}

// storeRig is a Store on a fresh Redis, sealed with testKeyring and holding
// destination didA: where the task-storage tests and benchmarks start.
type storeRig struct {
	srv   *testredis.Server
	rdb   *redis.Client
	keys  *secret.Keyring
	store *Store
}

func newStoreRig(tb testing.TB) storeRig {
	tb.Helper()
	r := storeRig{srv: testredis.Start(tb)}
	r.rdb = r.srv.Client(tb)
	keys, err := secret.ParseKeyring(testKeyring, "test")
	if err != nil {
		tb.Fatal(err)
	}
	r.keys = keys
	r.store = NewStore(r.rdb, keys, StoreOptions{})
	d, err := ParseDestination(ptr(sampleDest(didA, "lea-a")))
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.store.CreateDestination(context.Background(), d); err != nil {
		tb.Fatal(err)
	}
	return r
}

// encodeValid encodes msgs as one request, which must be valid against the XSD.
func encodeValid(t *testing.T, msgs []Message) []byte {
	t.Helper()
	doc, err := EncodeRequest(&Request{Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	validateXSD(t, doc)
	return doc
}
