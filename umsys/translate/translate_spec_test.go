package translate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// specRun is one dialect's fixtures through its translator.
type specRun struct {
	name string
	out  []translate.Output
}

func specRuns(t *testing.T) []specRun {
	t.Helper()
	glob := func(p string) []string {
		m, err := filepath.Glob(p)
		if err != nil || len(m) == 0 {
			t.Fatalf("no fixtures %s: %v", p, err)
		}
		return m
	}
	var runs []specRun
	for _, f := range glob("testdata/freeswitch/*.esl") {
		runs = append(runs, specRun{f, runFile(t, translate.NewFreeSWITCH(translate.Config{SystemID: "um-fs"}), feed.FreeSWITCH, f)})
	}
	for _, f := range glob("testdata/asterisk/*.ami") {
		runs = append(runs, specRun{f, runFile(t, translate.NewAsterisk(translate.Config{SystemID: "um-ast"}), feed.Asterisk, f)})
	}
	f := "testdata/json/all-events.jsonl"
	runs = append(runs, specRun{f, runFile(t, translate.NewGeneric(translate.Config{SystemID: "um-json"}, nil), feed.JSON, f)})
	return runs
}

// oneOf counts the alternatives set in a CHOICE.
func oneOf(set ...bool) int {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	return n
}

// specIRIProblems lists what in one translated MessagingIRI breaks clause 8 / Annex D.
func specIRIProblems(x *etsi.MessagingIRI) []string {
	var p []string
	if x.SystemType != etsi.SystemUnifiedMessaging {
		p = append(p, fmt.Sprintf("system-type %v, want unified-messaging", x.SystemType))
	}
	if c := x.Category; c == nil {
		// Clause 8: an event that cannot be translated goes raw, for the LEA to analyse.
		if x.OriginalMessage == nil {
			p = append(p, "untranslated event without original-message")
		}
	} else if n := oneOf(c.Message != nil, c.MessageBox != nil, c.Notification != nil, c.Call != nil); n != 1 {
		p = append(p, fmt.Sprintf("category has %d alternatives", n))
	}
	if strings.HasPrefix(x.Status.String(), "MessagingStatus(") {
		p = append(p, "status "+x.Status.String())
	}
	if strings.HasPrefix(x.Trigger.String(), "MessagingTrigger(") {
		p = append(p, "trigger "+x.Trigger.String())
	}
	for i, pi := range x.PartyInformation {
		if strings.HasPrefix(pi.Qualifier.String(), "MessagingPartyQualifier(") {
			p = append(p, fmt.Sprintf("party %d qualifier %v", i, pi.Qualifier))
		}
		id := pi.Identity
		if n := oneOf(id.MSISDN != "", id.E164 != "", id.EmailAddresses != nil, id.IPAddress != nil, id.Alphanumeric != "", id.IPAddressAndPort != nil,
			id.IMSI != "", id.IMEI != "", id.FaxURL != "", id.TelURL != "", id.ModemURL != "", id.SIPURI != "", id.SIPSURI != "", id.NAI != ""); n != 1 {
			p = append(p, fmt.Sprintf("party %d identity has %d alternatives", i, n))
		}
		for _, d := range []string{id.MSISDN, id.E164} {
			if strings.Trim(d, "0123456789") != "" {
				p = append(p, fmt.Sprintf("party %d: telephone number %q is not international digits", i, d))
			}
		}
	}
	for i, pr := range x.Properties {
		if n := oneOf(pr.Pincode != nil, pr.Priority != nil, pr.GreetingType != nil, pr.NotificationType != nil, pr.Language != "", pr.MessageIdentifier != nil,
			pr.Subject != nil, pr.UserAgent != nil, pr.Password != nil, pr.MessageStatus != nil, pr.RequestedReports != nil, pr.Expires != nil, pr.MessageDate != nil); n != 1 {
			p = append(p, fmt.Sprintf("property %d has %d alternatives", i, n))
		}
		if pr.Pincode != nil && (len(pr.Pincode) < 1 || len(pr.Pincode) > 32) {
			p = append(p, fmt.Sprintf("property %d pincode length %d not in 1..32", i, len(pr.Pincode)))
		}
	}
	// Every translated IRI must encode under the Annex D constraints as it stands.
	hdr := etsi.PSHeader{LIID: "L", CommunicationIdentifier: etsi.CommunicationIdentifier{NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "O"}}}
	it := etsi.IRIReport
	pdu := etsi.IRIPDU(hdr, etsi.IRIPayload{IRIType: &it, Contents: etsi.IRIContents{MessagingIRI: x}})
	if _, err := pdu.AppendBER(nil, etsi.LatestVersion()); err != nil {
		p = append(p, "does not encode: "+err.Error())
	}
	return p
}

// TestSpecTranslatedIRIFields: clause 8 and Annex D for every MessagingIRI the FreeSWITCH,
// Asterisk and generic JSON translators produce from their fixtures: system-type
// unified-messaging, system-identifier of the configured system, category exactly one
// Messaging-Event-Category alternative (or none, with the raw event in original-message),
// status and trigger values of their enumerations, each party a qualifier plus exactly one
// Messaging-Party-Identity alternative with telephone numbers as digits, each property one
// Messaging-Property alternative (pincode SIZE 1..32), box-identifier naming the box, and
// the whole IRI encodable under the ASN.1 constraints.
func TestSpecTranslatedIRIFields(t *testing.T) {
	for _, run := range specRuns(t) {
		if len(run.out) == 0 {
			t.Errorf("%s: no output", run.name)
		}
		for i, o := range run.out {
			x := o.Record.MessagingIRI
			if o.Err != nil || x == nil {
				t.Errorf("%s #%d %s: no IRI (%v)", run.name, i, o.Rule, o.Err)
				continue
			}
			for _, p := range specIRIProblems(x) {
				t.Errorf("%s #%d %s: %s", run.name, i, o.Rule, p)
			}
			if len(x.SystemIdentifier) == 0 || !strings.HasPrefix(string(x.SystemIdentifier), "um-") {
				t.Errorf("%s #%d %s: system-identifier %q, want the configured system", run.name, i, o.Rule, x.SystemIdentifier)
			}
			if len(x.BoxIdentifier) == 0 && hasKind(o.Record, record.IdentityBoxID) {
				t.Errorf("%s #%d %s: box known (%v) but no box-identifier", run.name, i, o.Rule, o.Record.Identities)
			}
			if len(o.Record.Identities) == 0 {
				t.Errorf("%s #%d %s: no identity to match a warrant with", run.name, i, o.Rule)
			}
		}
	}
}

func hasKind(r record.Record, k record.IdentityKind) bool {
	for _, id := range r.Identities {
		if id.Kind == k {
			return true
		}
	}
	return false
}

// notAvailableRules reads the vendor rule tables of RULES.md: the rules whose CC cell says
// "not available", with the Messaging-Status their status cell documents.
func notAvailableRules(t *testing.T) map[string]etsi.MessagingStatus {
	t.Helper()
	b, err := os.ReadFile("RULES.md")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]etsi.MessagingStatus{"unknown": etsi.StatusUnknown, "started": etsi.StatusOperationStarted,
		"succeeded": etsi.StatusOperationSucceeded, "failed": etsi.StatusOperationFailed}
	out := map[string]etsi.MessagingStatus{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 9 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(cells[7]), "— not available") {
			continue
		}
		rule := strings.Trim(strings.TrimSpace(cells[1]), "`")
		word, _, _ := strings.Cut(strings.TrimSpace(cells[4]), " ")
		st, ok := statuses[word]
		if !ok {
			t.Fatalf("RULES.md %s: status %q not understood", rule, cells[4])
		}
		out[rule] = st
	}
	if len(out) == 0 {
		t.Fatal("RULES.md documents no \"not available\" rule")
	}
	return out
}

// TestSpecSessionSequence: clause 8.1, "a CIN shall be created for each logical sequence
// of UM events … a target that logs in to the UM box until he logs out. All intermediate
// events shall have the same CIN." Per session (correlation key) of every fixture, the
// first event opens the sequence (connect or login), every later one continues it, and
// the sequence ends exactly once, with logout or disconnect, after which nothing of that
// session follows. An event that belongs to no session is a stand-alone report. (Vendor
// dialects, whose translators infer the sequence; the JSON feed names it.)
func TestSpecSessionSequence(t *testing.T) {
	ends := map[etsi.MessagingBoxEvent]bool{etsi.BoxLogout: true, etsi.BoxDisconnect: true}
	starts := map[etsi.MessagingBoxEvent]bool{etsi.BoxConnect: true, etsi.BoxLogin: true}
	sessions := 0
	for _, run := range specRuns(t) {
		if strings.HasSuffix(run.name, ".jsonl") {
			continue // the JSON fixture is a catalogue of every event, not a session
		}
		type state struct{ opened, closed bool }
		seen := map[string]*state{}
		for i, o := range run.out {
			r := o.Record
			if r.MessagingIRI == nil {
				continue
			}
			c := r.MessagingIRI.Category
			box := etsi.MessagingBoxEvent(-1)
			if c != nil && c.MessageBox != nil {
				box = *c.MessageBox
			}
			what := fmt.Sprintf("%s #%d %s (%s)", run.name, i, o.Rule, boundaryName(r.Boundary))
			if r.Boundary == record.Standalone {
				if starts[box] || ends[box] {
					t.Errorf("%s: %v outside a sequence", what, box)
				}
				continue
			}
			if r.CorrelationKey == "" {
				t.Errorf("%s: in a sequence without a correlation key", what)
				continue
			}
			st := seen[r.CorrelationKey]
			if st == nil {
				st = &state{}
				seen[r.CorrelationKey] = st
				sessions++
				if r.Boundary != record.Open || !starts[box] {
					t.Errorf("%s: a session starts with %v, want connect or login opening it", what, box)
				}
				st.opened = true
				continue
			}
			if st.closed {
				t.Errorf("%s: event after the session ended", what)
			}
			switch {
			case ends[box]:
				if r.Boundary != record.Close {
					t.Errorf("%s: %v does not end the sequence", what, box)
				}
				st.closed = true
			case r.Boundary == record.Close:
				t.Errorf("%s: %v ends the sequence", what, box)
			case r.Boundary == record.Open && box != etsi.BoxLogin:
				t.Errorf("%s: %v re-opens the sequence", what, box)
			}
		}
		for k, st := range seen {
			if !st.closed {
				t.Errorf("%s: session %s never ends (flushed without logout or disconnect)", run.name, k)
			}
		}
	}
	if sessions < 5 {
		t.Fatalf("only %d sessions in the fixtures", sessions)
	}
}

// TestSpecIdleCloseEvent: a sequence that never sees its logout (the feed lost it, the
// call vanished) must still end for the LEA: the opening record carries the
// Messaging-Box-Event disconnect, status unknown, that mediation sends as iRI-End.
func TestSpecIdleCloseEvent(t *testing.T) {
	for _, run := range specRuns(t) {
		for i, o := range run.out {
			if o.Record.Boundary != record.Open {
				continue
			}
			ce := o.Record.CloseEvent
			if ce == nil || ce.Category == nil || ce.Category.MessageBox == nil || *ce.Category.MessageBox != etsi.BoxDisconnect ||
				ce.Status != etsi.StatusUnknown || ce.SystemType != etsi.SystemUnifiedMessaging {
				t.Errorf("%s #%d %s: opening record's close event %+v, want box disconnect, status unknown", run.name, i, o.Rule, ce)
			}
		}
	}
}

// TestSpecPartyInformation: clause 8.6. The party-qualifier says whether a party
// originated or terminated the event; a party known by telephone number is handed over
// as msisdn or e164-format (digits, international form), by e-mail addresses in the
// email-address list, by SIP URI in sip-uri.
func TestSpecPartyInformation(t *testing.T) {
	tr := translate.NewGeneric(translate.Config{SystemID: "um-json"}, nil)
	out := runFile(t, tr, feed.JSON, "testdata/json/all-events.jsonl")
	if len(out) == 0 {
		t.Fatal("no output")
	}
	type party struct {
		q   etsi.MessagingPartyQualifier
		alt string
	}
	got := map[party]bool{}
	for _, p := range out[0].Record.MessagingIRI.PartyInformation {
		id := p.Identity
		switch {
		case id.E164 != "":
			got[party{p.Qualifier, "e164:" + id.E164}] = true
		case id.MSISDN != "":
			got[party{p.Qualifier, "msisdn:" + id.MSISDN}] = true
		case id.SIPURI != "":
			got[party{p.Qualifier, "sip:" + id.SIPURI}] = true
		case id.EmailAddresses != nil:
			got[party{p.Qualifier, "email:" + strings.Join(id.EmailAddresses, ",")}] = true
		}
	}
	// The fixture's connect: originating {"e164":"+15550001000"}, terminating
	// {"sip":"sip:1000@example.net","email":["bob@example.net"]}.
	for _, w := range []party{
		{etsi.PartyOriginating, "e164:15550001000"},
		{etsi.PartyTerminating, "sip:sip:1000@example.net"},
		{etsi.PartyTerminating, "email:bob@example.net"},
	} {
		if !got[w] {
			t.Errorf("party %v %s missing: %+v", w.q, w.alt, out[0].Record.MessagingIRI.PartyInformation)
		}
	}
}

// table5 says whether clause 8.1 Table 5 makes the event deliver CC.
func table5(c *etsi.MessagingEventCategory) bool {
	switch {
	case c == nil:
		return false
	case c.Message != nil:
		switch *c.Message {
		case etsi.EventDeposit, etsi.EventRetrieve, etsi.EventDelete, etsi.EventSave:
			return true
		}
	case c.MessageBox != nil:
		switch *c.MessageBox {
		case etsi.BoxGreetingRecord, etsi.BoxGreetingChange, etsi.BoxGreetingDelete, etsi.BoxGreetingEnable,
			etsi.BoxGreetingDisable, etsi.BoxGreetingPlay:
			return true
		}
	case c.Notification != nil:
		switch *c.Notification {
		case etsi.NotificationSMS, etsi.NotificationSMSDeposit, etsi.NotificationSMSSlamdown, etsi.NotificationSMSPinReminder,
			etsi.NotificationEmail, etsi.NotificationFaxToEmail:
			return true
		}
	}
	return false
}

// TestSpecTable5VendorContent: clause 8.1 Table 5 for the vendor dialects. Every event of
// a Table 5 category the FreeSWITCH and Asterisk translators produce hands on content
// under its event key (an operation reported as started and then finished shares one key,
// so one of them carries the content), so that mediation sends CC with the IRI's
// event-identifier. The exceptions are the rules RULES.md documents as "not available"
// (the platform never exposes the content): their IRI is still delivered, with the
// category and status RULES.md gives, and no content is invented for them.
func TestSpecTable5VendorContent(t *testing.T) {
	notAvailable := notAvailableRules(t)
	for _, r := range []string{"ami.email-notification", "fs.email-notification"} {
		if _, ok := notAvailable[r]; !ok {
			t.Errorf("RULES.md does not document %s as \"not available\"", r)
		}
	}
	checked := 0
	seenNA := map[string]int{}
	for _, run := range specRuns(t) {
		if strings.HasSuffix(run.name, ".jsonl") {
			continue // TestGenericAllEvents covers the JSON feed
		}
		withContent := map[string]bool{}
		for _, o := range run.out {
			if o.Content != nil && o.Record.EventKey != "" {
				withContent[o.Record.CorrelationKey+"\x00"+o.Record.EventKey] = true
			}
		}
		for i, o := range run.out {
			if !table5(o.Record.MessagingIRI.Category) {
				continue
			}
			if status, ok := notAvailable[o.Rule]; ok {
				seenNA[o.Rule]++
				iri := o.Record.MessagingIRI
				if o.Content != nil {
					t.Errorf("%s #%d %s: content handed on, RULES.md says it is not available", run.name, i, o.Rule)
				}
				if c := iri.Category; c.Notification == nil || *c.Notification != etsi.NotificationEmail {
					t.Errorf("%s #%d %s: category %s, want notification email", run.name, i, o.Rule, categoryName(c))
				}
				if iri.Status != status {
					t.Errorf("%s #%d %s: status %v, RULES.md says %v", run.name, i, o.Rule, iri.Status, status)
				}
				continue
			}
			checked++
			if o.Record.EventKey == "" || !withContent[o.Record.CorrelationKey+"\x00"+o.Record.EventKey] {
				t.Errorf("%s #%d %s: Table 5 event %s without content under its event key %q", run.name, i, o.Rule, categoryName(o.Record.MessagingIRI.Category), o.Record.EventKey)
			}
		}
	}
	for r := range notAvailable {
		if seenNA[r] == 0 {
			t.Errorf("no fixture produces %s: its not-available rule is untested", r)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d Table 5 events in the vendor fixtures", checked)
	}
}
