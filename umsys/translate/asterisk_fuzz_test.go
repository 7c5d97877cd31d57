package translate_test

import (
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

var msgIDPattern = regexp.MustCompile(`^(INBOX|Old|Work|Family|Friends|Cust[1-5])/msg[0-9]{4}$`)

// FuzzAsteriskTUI drives VoiceMailMain's menu model with arbitrary AppData (options,
// prefixes, folders), channel variables, key sequences and MessageWaiting counts.
// Nothing may panic; every output passes check; content is only ever a message file
// inside the configured spool; the session ends with the call; and the digits typed
// (the PIN among them) reach an output only as a message index.
func FuzzAsteriskTUI(f *testing.F) {
	f.Add("1000@default", "4711#17#", "1", "0", "", byte(0))
	f.Add("@default,p", "1000#4711#6201#", "0", "2", "CHANNEL(pjsip,call-id)=abc@h", byte(3))
	f.Add("1000@default,a(Old)r", "80635#93#", "x", "-1", "SIPCALLID=", byte(1))
	f.Add("s1000@ctx", "0512#12#*1", "9999", "9999", "", byte(2))
	f.Add("../..@/etc,a(", "#########", "", "", "ChanVariable(x)", byte(5))
	f.Add("1000@default,g(3)a(9)", "4711#3*82000#1", "3", "4", "", byte(4))
	f.Fuzz(func(t *testing.T, appData, keys, newCount, oldCount, chanVar string, gap byte) {
		const spool = "/var/spool/asterisk/voicemail"
		tr := translate.NewAsterisk(translate.Config{MaxSessions: 2, IdleTimeout: time.Minute})
		at := t0
		ev := func(hs ...string) *feed.Event {
			e := amiEv(hs...)
			e.Received = at
			return e
		}
		var outs []translate.Output
		run := func(e *feed.Event) {
			outs = tr.Translate(outs[:0], e)
			check(t, outs)
			for _, o := range outs {
				if c := o.Content; c != nil {
					p := path.Clean(c.Location)
					if p != c.Location || !strings.HasPrefix(p, spool+"/") {
						t.Fatalf("%s: content %q outside the spool", o.Rule, c.Location)
					}
				}
				for _, p := range o.Record.MessagingIRI.Properties {
					// Keys reach an output only as a message index: no pincode, and a
					// message-identifier is <folder>/msgNNNN.
					if p.Pincode != nil {
						t.Fatalf("%s carries a pincode", o.Rule)
					}
					if id := string(p.MessageIdentifier); id != "" && !msgIDPattern.MatchString(id) {
						t.Fatalf("%s message-identifier %q", o.Rule, id)
					}
				}
			}
		}
		run(ev("Event: MessageWaiting", "Mailbox: 1000@default", "New: "+newCount, "Old: "+oldCount))
		run(ev("Event: Newexten", "Uniqueid: 7.1", "CallerIDNum: +4917012345678", "Application: VoiceMailMain", "AppData: "+appData, "ChanVariable: "+chanVar))
		for _, k := range keys {
			at = at.Add(time.Duration(gap) * 100 * time.Millisecond)
			run(ev("Event: DTMFEnd", "Uniqueid: 7.1", "Digit: "+string(k), "Direction: Received"))
		}
		if gap%2 == 0 {
			run(ev("Event: MessageWaiting", "Uniqueid: 7.1", "Mailbox: 1000@default", "New: "+oldCount, "Old: "+newCount))
		}
		run(ev("Event: Hangup", "Uniqueid: 7.1"))
		if n := tr.Sessions(); n != 0 {
			t.Fatalf("%d sessions after the hangup", n)
		}
	})
}
