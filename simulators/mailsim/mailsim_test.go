package mailsim

import (
	"context"
	"testing"

	"github.com/umli/umli/email"
)

// TestRunThroughProxy plays the three scripts, client and server, through the e-mail
// proxy: the records reproduce the "I:" lines of Annex B.6 and C.4.
func TestRunThroughProxy(t *testing.T) {
	rig := newProxyRig(t)
	front := map[email.Protocol]string{}
	for _, proto := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		srv := rig.listen(t)
		rig.run(func(ctx context.Context) { _ = Serve(ctx, srv, proto, rig.log) })
		front[proto] = rig.proxy(t, proto, srv.Addr().String(), "demo")
	}
	err := Run(rig.ctx, Config{SMTP: front[email.SMTP], POP3: front[email.POP3], IMAP: front[email.IMAP], Logger: rig.log})
	if err != nil {
		t.Fatal(err)
	}
	rig.finish()
	rig.checkAnnexEvents(t, true)
}
