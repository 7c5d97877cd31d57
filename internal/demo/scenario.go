package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// Scenario drives one source into mediation.
type Scenario struct {
	// Name appears in the demo output.
	Name string
	// Run feeds records into env.Sink and returns when they have all been submitted.
	Run func(ctx context.Context, env Env) error
	// MustNotDeliver names a network element whose records no warrant covers: the demo
	// fails if anything of it reaches the LEMF.
	MustNotDeliver string
}

// Env is what a scenario gets from the demo.
type Env struct {
	// Sink is mediation.
	Sink record.Sink
	// Log is the demo's logger (it must never see target identities).
	Log zerolog.Logger
	// Drain waits until mediation has numbered everything submitted so far; scenarios
	// call it between calls so CINs follow the order the calls were made in.
	Drain func(ctx context.Context) error
	// Sources, when set, starts the sources a configuration section names (YAML, as
	// in umli's configuration file, appended to the demo's) through the pipeline's
	// source wiring, every record passing wrap on its way to mediation; stop ends them.
	Sources func(ctx context.Context, section string, wrap func(record.Sink) record.Sink) (stop func(), err error)
}

// startCounted starts section's sources through Sources with a closeCounter in front
// of mediation, so the scenario can wait for its calls to end; what names the
// scenario in errors.
func (e Env) startCounted(ctx context.Context, what, section string) (*closeCounter, func(), error) {
	if e.Sources == nil {
		return nil, nil, fmt.Errorf("%s: the demo provides no source wiring (Env.Sources)", what)
	}
	var sink *closeCounter
	stop, err := e.Sources(ctx, section, func(s record.Sink) record.Sink { sink = newCloseCounter(s); return sink })
	if err != nil {
		return nil, nil, err
	}
	return sink, stop, nil
}

// drain calls Drain when the demo provides one.
func (e Env) drain(ctx context.Context) error {
	if e.Drain == nil {
		return nil
	}
	return e.Drain(ctx)
}

// Demo targets and parties. The UM target is the simulator's (simulators/umsim
// scenarios.yaml), the e-mail targets are the users of the mailsim examples; all are in
// the demo warrants. The non-target is in none, so its records must be dropped.
const (
	TargetMSISDN = "+4917012345678"
	TargetBox    = "1000@um.example.net"
	// TargetBoxAsterisk is the same box as the Asterisk feed names it.
	TargetBoxAsterisk = "1000@example.net"
	// TargetEmail is the SMTP example's sender (AUTH PLAIN alice).
	TargetEmail = "alice@example.org"
	// TargetPOP3 and TargetIMAP are the Annex B.6 and C.4 users.
	TargetPOP3      = "mrose@example.org"
	TargetIMAP      = "mrc@example.org"
	CallerMSISDN    = "+4930123456"
	NonTargetMSISDN = "+4915199999999"
	// UMSource and GeneratorMailSource are the built-in generators' network elements.
	UMSource            = "demo-gen"
	GeneratorMailSource = "demo-gen-mail"
	// NonTargetSource is the network element of the non-target record.
	NonTargetSource = "sbc-1"
)

// Default is what `umli demo` runs: the UM platform simulator over ESL and AMI, the
// e-mail proxy with the mailsim examples, then a non-target record that must be dropped.
func Default() []Scenario {
	return []Scenario{UMPlatform(), Asterisk(), SIPRecording(), CUNI(), VVM(), Mail(), NonTarget()}
}

// Builtin is the built-in record generators: BuiltinUM, then BuiltinMail. They need no
// sockets; the default demo uses the simulators instead.
func Builtin() []Scenario { return []Scenario{BuiltinUM(), BuiltinMail()} }

// NonTarget submits a login of a subscriber no warrant names; mediation must drop it
// at once and store nothing about it.
func NonTarget() Scenario {
	return Scenario{Name: "a non-target logs into their box (must be dropped)", Run: runNonTarget, MustNotDeliver: NonTargetSource}
}

func runNonTarget(ctx context.Context, env Env) error {
	login := etsi.BoxLogin
	m := &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &login},
		Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser,
		PartyInformation: []etsi.MessagingPartyInformation{{Qualifier: etsi.PartyTerminating,
			Identity: etsi.MessagingPartyIdentity{E164: NonTargetMSISDN[1:]}}}}
	return submitAll(ctx, env.Sink, []*record.Record{{Identities: []record.Identity{{Kind: record.IdentityE164, Value: NonTargetMSISDN}},
		Source: NonTargetSource, CorrelationKey: "sbc-call-0001", Boundary: record.Open, Time: time.Now().UTC(), MessagingIRI: m}})
}

// BuiltinUM is the built-in UM record generator: a voicemail session of the target
// (connect, login, a deposit with its audio as MessagingCC, retrieve, delete, logout) and
// a login by a non-target that must be dropped.
func BuiltinUM() Scenario {
	return Scenario{Name: "built-in UM records (voicemail session of the target, one non-target)", Run: runBuiltinUM}
}

// BuiltinMail is the built-in e-mail record generator: a mail sent by the target whose
// SMTP session the source never closes; mediation closes it after the idle timeout with a
// synthesized end.
func BuiltinMail() Scenario {
	return Scenario{Name: "built-in e-mail records (the target sends a mail)", Run: runBuiltinMail}
}

func runBuiltinUM(ctx context.Context, env Env) error {
	t := time.Now().UTC()
	tick := func() time.Time { t = t.Add(20 * time.Millisecond); return t }
	target := []record.Identity{{Kind: record.IdentityE164, Value: TargetMSISDN}, {Kind: record.IdentityBoxID, Value: TargetBox}}
	box := []byte(TargetBox)
	iri := func(cat etsi.MessagingEventCategory, st etsi.MessagingStatus, parties ...etsi.MessagingPartyInformation) *etsi.MessagingIRI {
		if parties == nil {
			parties = []etsi.MessagingPartyInformation{{Qualifier: etsi.PartyTerminating, Identity: etsi.MessagingPartyIdentity{E164: TargetMSISDN[1:]}}}
		}
		return &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &cat, Status: st,
			PartyInformation: parties, Trigger: etsi.TriggerUser, BoxIdentifier: box}
	}
	boxEv := func(e etsi.MessagingBoxEvent) etsi.MessagingEventCategory {
		return etsi.MessagingEventCategory{MessageBox: &e}
	}
	msgEv := func(e etsi.MessagingEvent) etsi.MessagingEventCategory {
		return etsi.MessagingEventCategory{Message: &e}
	}
	const sess = "um-session-0001"
	um := func(b record.Boundary, ek string, m *etsi.MessagingIRI) *record.Record {
		return &record.Record{Identities: target, Source: UMSource, CorrelationKey: sess, Boundary: b, EventKey: ek, Time: tick(), MessagingIRI: m}
	}
	connect := um(record.Open, "", iri(boxEv(etsi.BoxConnect), etsi.StatusOperationSucceeded))
	connect.CloseEvent = iri(boxEv(etsi.BoxDisconnect), etsi.StatusUnknown)
	caller := []etsi.MessagingPartyInformation{
		{Qualifier: etsi.PartyOriginating, Identity: etsi.MessagingPartyIdentity{E164: CallerMSISDN[1:]}},
		{Qualifier: etsi.PartyTerminating, Identity: etsi.MessagingPartyIdentity{E164: TargetMSISDN[1:]}},
	}
	recs := []*record.Record{
		connect,
		um(record.Continue, "", iri(boxEv(etsi.BoxLogin), etsi.StatusOperationSucceeded)),
		um(record.Continue, "msg-1", iri(msgEv(etsi.EventDeposit), etsi.StatusOperationStarted, caller...)),
	}
	for i, chunk := range PCMUTone(440, time.Second, 160) {
		cid, seq := uint32(1), uint32(i)
		recs = append(recs, &record.Record{Identities: target, Source: UMSource, CorrelationKey: sess, Boundary: record.Continue,
			EventKey: "msg-1", Time: tick(), Direction: etsi.DirectionToTarget,
			MessagingCC: &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, EndOfSequence: i == 49,
				ContentType: "audio/PCMU", Content: chunk}})
	}
	recs = append(recs,
		um(record.Continue, "msg-1", iri(msgEv(etsi.EventDeposit), etsi.StatusOperationSucceeded, caller...)),
		um(record.Continue, "msg-1", iri(msgEv(etsi.EventRetrieve), etsi.StatusOperationSucceeded)),
		um(record.Continue, "msg-1", iri(msgEv(etsi.EventDelete), etsi.StatusOperationSucceeded)),
		um(record.Close, "", iri(boxEv(etsi.BoxLogout), etsi.StatusOperationSucceeded)),
	)
	// A non-target logs into their own box: dropped at once, never stored.
	nonTarget := iri(boxEv(etsi.BoxLogin), etsi.StatusOperationSucceeded,
		etsi.MessagingPartyInformation{Qualifier: etsi.PartyTerminating, Identity: etsi.MessagingPartyIdentity{E164: NonTargetMSISDN[1:]}})
	recs = append(recs, &record.Record{Identities: []record.Identity{{Kind: record.IdentityE164, Value: NonTargetMSISDN}},
		Source: UMSource, CorrelationKey: "um-session-0002", Boundary: record.Open, Time: tick(), MessagingIRI: nonTarget})
	return submitAll(ctx, env.Sink, recs)
}

func runBuiltinMail(ctx context.Context, env Env) error {
	t := time.Now().UTC()
	tick := func() time.Time { t = t.Add(20 * time.Millisecond); return t }
	mailTarget := []record.Identity{{Kind: record.IdentityEmail, Value: "Alice@Example.ORG"}}
	sender := TargetEmail
	const smtp = "192.0.2.10:51000-198.51.100.25:25"
	return submitAll(ctx, env.Sink, []*record.Record{
		{Identities: mailTarget, Source: GeneratorMailSource, CorrelationKey: smtp, Boundary: record.Open, Time: tick(),
			EmailIRI: &etsi.EmailIRI{EventType: etsi.EmailSend, ProtocolID: etsi.ProtocolSMTP, Sender: &sender,
				Recipients: []string{"bob@example.org"}, Status: etsi.EmailStatusSucceeded, ClientOctetsSent: 120}},
		{Identities: mailTarget, Source: GeneratorMailSource, CorrelationKey: smtp, Boundary: record.Continue, Time: tick(),
			Direction: etsi.DirectionFromTarget,
			EmailCC:   &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte("From: alice@example.org\r\nTo: bob@example.org\r\nSubject: demo\r\n\r\nHello Bob.\r\n")}},
	})
}

func submitAll(ctx context.Context, sink record.Sink, recs []*record.Record) error {
	for i, r := range recs {
		if err := sink.Submit(ctx, r); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return nil
}
