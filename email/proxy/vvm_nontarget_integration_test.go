package proxy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/mediation/etsi"
)

// TestVVMNonTargetCurl: a non-target's phone fetches, saves and deletes its voice
// message through the vvm proxy, then the target's phone fetches one. The records go
// to the real mediation (Redis), handover and the LEMF simulator: the LEMF holds the
// target's session only (login, retrieve with the audio CC, logout), every record of
// the non-target was dropped as no_target, and neither the LEMF's files nor the debug
// log of proxy and mediation hold the non-target's box or PIN.
func TestVVMNonTargetCurl(t *testing.T) {
	const nonTarget, ntPIN, target = "15550177", "8642", vvmBox
	curl := testmail.Need(t, "curl")
	dc := testmail.StartDovecot(t, map[string]string{nonTarget: ntPIN, target: vvmPIN})
	audio := vvmAudio(60, 3)
	for _, box := range []string{nonTarget, target} {
		dc.Deliver(t, box, "1700000000.M1P1.vvm", vvmMsg("Message-Context: voice-message\r\n", audio))
	}
	var logs testlog.Buffer
	log := zerolog.New(&logs).Level(zerolog.DebugLevel)
	ms := startMediationStack(t, stackConfig{liid: "VVM-1", target: fmt.Sprintf("{e164: %q}", target), queue: 200, log: &log})
	med, reg, dir := ms.med, ms.reg, ms.dir
	var rp runningProxy
	addr, h := startProxyLog(t, Config{Upstream: dc.IMAPAddr, Protocol: email.VVM, Options: email.Options{Logger: log}},
		med, email.HandoffConfig{}, &rp.Proxy, log)
	rp.h = h

	box := "imap://" + addr + "/INBOX"
	ntUser := nonTarget + ":" + ntPIN
	run(t, curl, "-sS", "-u", ntUser, box+";UID=1", "--next", "-sS", "-u", ntUser, box, "-X", `UID STORE 1 +FLAGS (\Seen \Deleted)`,
		"--next", "-sS", "-u", ntUser, box, "-X", "EXPUNGE")
	rp.waitSessions(t, 1)
	ntRecords := h.Stats().Submitted
	run(t, curl, "-sS", "-u", target+":"+vvmPIN, box+";UID=1")
	rp.waitSessions(t, 2)
	set := ms.waitLogoff(t)

	if ntRecords < 5 {
		t.Fatalf("the non-target's session gave %d records, want login, retrieve, CC, save, delete, logout", ntRecords)
	}
	if d := testmail.Counter(t, reg, "umli_mediation_records_dropped_total", "reason", "no_target"); d != float64(ntRecords) {
		t.Errorf("dropped no_target = %v, want the non-target's %d records", d, ntRecords)
	}
	var events []string
	for st := range set.PDUs {
		if st.LIID != "VVM-1" {
			t.Fatalf("unexpected stream %v", st)
		}
		if st.CC {
			continue
		}
		for _, pdu := range decodedPDUs(t, set, st) {
			for _, ip := range pdu.Payload.IRI {
				c := ip.Contents.MessagingIRI.Category
				if c.Message != nil {
					events = append(events, c.Message.String())
				} else {
					events = append(events, c.MessageBox.String())
				}
			}
		}
	}
	assertStrings(t, "LEMF events", events, []string{etsi.BoxLogin.String(), etsi.EventRetrieve.String(), etsi.BoxLogout.String()})
	for _, f := range []string{"hi2.ber", "hi3.ber", "records.jsonl"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(nonTarget)) {
			t.Errorf("LEMF %s holds the non-target's box", f)
		}
	}
	for _, secret := range []string{nonTarget, ntPIN, vvmPIN} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log holds %q:\n%s", secret, logs.String())
		}
	}
}
