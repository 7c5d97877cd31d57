package mailsim

import (
	"fmt"
	"testing"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/annex"
	"github.com/umli/umli/email/testmail"
)

// TestRunAgainstDovecot plays the B.6 (APOP) and C.4 scripts against a real Dovecot
// through the proxy.
func TestRunAgainstDovecot(t *testing.T) {
	dc := testmail.StartDovecot(t, map[string]string{"mrose": "tanstaaf", "mrc": "secret"})
	dc.Deliver(t, "mrose", "1700000001.M1P1.test", annex.POP3Message1)
	dc.Deliver(t, "mrose", "1700000002.M1P1.test", annex.POP3Message2)
	for i := 1; i <= 12; i++ {
		dc.Deliver(t, "mrc", fmt.Sprintf("17000000%02d.M1P1.test", i), annex.C4Header+"body\r\n")
	}
	rig := newProxyRig(t)
	front := map[email.Protocol]string{}
	for proto, up := range map[email.Protocol]string{email.POP3: dc.POP3Addr, email.IMAP: dc.IMAPAddr} {
		front[proto] = rig.proxy(t, proto, up, "")
	}
	err := Run(rig.ctx, Config{POP3: front[email.POP3], POP3Password: "tanstaaf", IMAP: front[email.IMAP], Logger: rig.log})
	if err != nil {
		t.Fatal(err)
	}
	rig.finish()
	rig.checkAnnexEvents(t, false)
}
