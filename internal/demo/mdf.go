package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/handover/x2x3"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/simulators/mdf"
)

// LIIDC is the demo warrant whose destination is the demo's mediation function (MDF):
// its records leave as TS 103 221-2 X2 (IRI) and X3 (CC) PDUs, not HI2/HI3.
const LIIDC = "DEMO-MDF-C-0003"

// X2File and X3File hold, in the demo's output directory, the X2 and X3 PDUs as the MDF
// received them: the bytes as sent, PDUs back to back.
const (
	X2File = "x2.bin"
	X3File = "x3.bin"
)

// mdfDemo is the demo's MDF: X2 and X3 receivers over mutual TLS 1.3 on loopback ports,
// and the PKI umli's client side uses.
type mdfDemo struct {
	pki    *x1.DemoPKI
	dir    string
	x2, x3 *mdf.Receiver
	f2, f3 *os.File
}

// startMDF writes a throw-away PKI and starts the receivers writing to outDir.
func startMDF(outDir string, log zerolog.Logger) (m *mdfDemo, err error) {
	m = &mdfDemo{}
	if m.dir, err = os.MkdirTemp("", "umli-demo-mdf-"); err != nil {
		return nil, fmt.Errorf("demo: mdf PKI directory: %w", err)
	}
	defer func() {
		if err != nil {
			_ = m.close()
		}
	}()
	if m.pki, err = x1.GenerateDemoPKI(m.dir, time.Hour); err != nil {
		return nil, err
	}
	conf, err := mdf.ServerTLSConfig(m.pki.ServerCert, m.pki.ServerKey, m.pki.CA)
	if err != nil {
		return nil, fmt.Errorf("demo: mdf: %w", err)
	}
	log = log.With().Str("component", "mdf").Logger()
	if m.f2, err = os.OpenFile(filepath.Join(outDir, X2File), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if m.f3, err = os.OpenFile(filepath.Join(outDir, X3File), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if m.x2, err = mdf.Listen("127.0.0.1:0", conf, m.f2, log); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if m.x3, err = mdf.Listen("127.0.0.1:0", conf, m.f3, log); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return m, nil
}

// yaml is the demo configuration's destination entry for the MDF.
func (m *mdfDemo) yaml() string {
	return fmt.Sprintf(`  - name: mdf
    interface: x2x3
    hi2: %s
    hi3: %s
    tls: {cert: %q, key: %q, ca: %q, serverName: 127.0.0.1}
`, m.x2.Addr(), m.x3.Addr(), m.pki.ClientCert, m.pki.ClientKey, m.pki.CA)
}

// wait waits until the MDF holds at least n2 X2 and n3 X3 PDUs.
func (m *mdfDemo) wait(ctx context.Context, n2, n3 int) error {
	for {
		g2, g3 := m.x2.Types()[x2x3.TypeX2], m.x3.Types()[x2x3.TypeX3]
		if g2 >= n2 && g3 >= n3 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: MDF has %d of %d X2 and %d of %d X3 PDUs: %w", g2, n2, g3, n3, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// close stops the receivers, closes the stream files and removes the PKI.
func (m *mdfDemo) close() error {
	var err error
	for _, r := range []*mdf.Receiver{m.x2, m.x3} {
		if r != nil {
			err = errors.Join(err, r.Close())
		}
	}
	for _, f := range []*os.File{m.f2, m.f3} {
		if f != nil {
			err = errors.Join(err, f.Close())
		}
	}
	m.x2, m.x3, m.f2, m.f3 = nil, nil, nil, nil
	if m.dir != "" {
		err = errors.Join(err, os.RemoveAll(m.dir))
		m.dir = ""
	}
	return err
}
