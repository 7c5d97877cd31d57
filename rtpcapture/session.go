package rtpcapture

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// ConnectEventKey is the EventKey of a UM session's connect IRI. MessagingCC records use
// it too, so that mediation gives them the connect's event-identifier (Table 6).
const ConnectEventKey = "connect"

// DefaultChunk is how much media (by RTP timestamp) one MessagingCC carries.
const DefaultChunk = 200 * time.Millisecond

// Side is the end of a call to the UM system that sends a stream.
type Side int

// Sides of a call to the UM system.
const (
	SideCaller Side = iota + 1 // the party that called the UM system
	SideUM                     // the UM system (greetings, prompts, message playback)
)

// Party is a possible target of a session and the side it speaks from. In a deposit the
// caller (SideCaller) and the box owner (SideUM: the box speaks for its owner) are both
// candidates; in a retrieval the caller is the box owner. Mediation keeps only the records
// whose Identities a warrant names, so each candidate gets its own view of every leg.
type Party struct {
	Side       Side
	Identities []record.Identity
	// Box is the UM mailbox identifier when the party owns the box, for the connect IRI.
	Box string
}

// ConnectPolicy says which connect/disconnect IRIs the session emits itself.
type ConnectPolicy int

// Connect policies.
const (
	// ConnectOpen emits a connect IRI (Boundary Open, EventKey "connect") per candidate
	// at the start. The UM feed emits its own connect for the same CorrelationKey; put a
	// ConnectOnce in front of the sink both share so only the first is delivered.
	ConnectOpen ConnectPolicy = iota
	// ConnectNone relies on the UM feed for connect and disconnect.
	ConnectNone
	// ConnectOpenClose also emits a disconnect when the session ends, for deployments
	// without a UM feed.
	ConnectOpenClose
)

// SessionConfig describes one call to the UM system whose legs are captured.
type SessionConfig struct {
	// Source names the network element (the recording endpoint or capture point config).
	Source string
	// CorrelationKey is CorrelationKeyFor(platform UUID, Call-ID) of the UM session.
	CorrelationKey string
	// Parties are the candidate targets. Parties on the same side are merged.
	Parties []Party
	Sink    record.Sink
	// DTMF, when set, receives key presses sent from a party's side.
	DTMF    DTMFHandler
	Connect ConnectPolicy
	// Chunk is the media duration per MessagingCC (DefaultChunk when zero).
	Chunk time.Duration
	// Window is the reorder window in packets (DefaultWindow when zero).
	Window int
	// ReuseBuffers lets each leg reuse its chunk buffer and records once Submit has
	// returned. Set it only for a Sink that keeps neither the record nor its content
	// after Submit returns. mediation.Mediator is not one: its workers build the PDUs
	// from the record after Submit returned. Without it a leg hands every chunk over in
	// fresh memory, or, when the Sink is a record.ReleaseSink, in memory the sink
	// released.
	ReuseBuffers bool
	Metrics      *Metrics
	Log          zerolog.Logger
}

// Session is one captured call: it emits the connect IRI and hands out legs.
type Session struct {
	cfg     SessionConfig
	parties []Party
}

// CorrelationKeyFor is the CorrelationKey contract shared with the UM feed translators:
// the platform's call UUID when known (FreeSWITCH channel UUID), else "sip:"+Call-ID.
func CorrelationKeyFor(platformUUID, callID string) string {
	if platformUUID != "" {
		return platformUUID
	}
	return "sip:" + callID
}

// ErrNoParties is returned for a session without any candidate target identity.
var ErrNoParties = errors.New("rtpcapture: session has no party with identities")

// NewSession merges the parties by side and, unless the policy is ConnectNone, submits
// the connect IRI for each.
func NewSession(ctx context.Context, cfg SessionConfig, at time.Time) (*Session, error) {
	if cfg.Chunk <= 0 {
		cfg.Chunk = DefaultChunk
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	s := &Session{cfg: cfg, parties: mergeParties(cfg.Parties)}
	if len(s.parties) == 0 {
		return nil, fmt.Errorf("session %s: %w", cfg.CorrelationKey, ErrNoParties)
	}
	if cfg.Connect == ConnectNone {
		return s, nil
	}
	for _, p := range s.parties {
		r := &record.Record{
			Identities:     p.Identities,
			Source:         cfg.Source,
			CorrelationKey: cfg.CorrelationKey,
			Boundary:       record.Open,
			EventKey:       ConnectEventKey,
			Time:           at,
			MessagingIRI:   boxIRI(etsi.BoxConnect, etsi.StatusOperationSucceeded, p.Box),
			CloseEvent:     boxIRI(etsi.BoxDisconnect, etsi.StatusUnknown, p.Box),
		}
		if err := submit(ctx, cfg.Sink, r); err != nil {
			return nil, fmt.Errorf("session %s: submit connect: %w", cfg.CorrelationKey, err)
		}
	}
	return s, nil
}

// Close ends the session; with ConnectOpenClose it submits the disconnect IRIs. Legs are
// closed by their owners before.
func (s *Session) Close(ctx context.Context, at time.Time) error {
	if s.cfg.Connect != ConnectOpenClose {
		return nil
	}
	var errs []error
	for _, p := range s.parties {
		r := &record.Record{
			Identities:     p.Identities,
			Source:         s.cfg.Source,
			CorrelationKey: s.cfg.CorrelationKey,
			Boundary:       record.Close,
			Time:           at,
			MessagingIRI:   boxIRI(etsi.BoxDisconnect, etsi.StatusOperationSucceeded, p.Box),
		}
		if err := submit(ctx, s.cfg.Sink, r); err != nil {
			errs = append(errs, fmt.Errorf("session %s: submit disconnect: %w", s.cfg.CorrelationKey, err))
		}
	}
	return errors.Join(errs...)
}

// Parties returns the merged candidate targets.
func (s *Session) Parties() []Party { return s.parties }

func boxIRI(ev etsi.MessagingBoxEvent, st etsi.MessagingStatus, box string) *etsi.MessagingIRI {
	iri := &etsi.MessagingIRI{
		SystemType: etsi.SystemUnifiedMessaging,
		Category:   &etsi.MessagingEventCategory{MessageBox: &ev},
		Status:     st,
		Trigger:    etsi.TriggerUser,
	}
	if box != "" {
		iri.BoxIdentifier = []byte(box)
	}
	return iri
}

func mergeParties(in []Party) []Party {
	var out []Party
	for _, p := range in {
		if len(p.Identities) == 0 {
			continue
		}
		merged := false
		for i := range out {
			if out[i].Side == p.Side {
				out[i].Identities = appendUnique(out[i].Identities, p.Identities...)
				if out[i].Box == "" {
					out[i].Box = p.Box
				}
				merged = true
			}
		}
		if !merged {
			out = append(out, Party{Side: p.Side, Identities: appendUnique(nil, p.Identities...), Box: p.Box})
		}
	}
	return out
}

func appendUnique(dst []record.Identity, ids ...record.Identity) []record.Identity {
outer:
	for _, id := range ids {
		for _, d := range dst {
			if d == id {
				continue outer
			}
		}
		dst = append(dst, id)
	}
	return dst
}

// submitAttempts bounds retries: media keeps arriving, so a refused chunk cannot wait long.
const submitAttempts = 3

func submit(ctx context.Context, sink record.Sink, r *record.Record) error {
	return submitTo(ctx, sink, nil, r, nil)
}

// submitRelease is submit through SubmitRelease: release is called once if the record
// was taken (on any attempt), never if it was not.
func submitRelease(ctx context.Context, rs record.ReleaseSink, r *record.Record, release func()) error {
	return submitTo(ctx, nil, rs, r, release)
}

func submitTo(ctx context.Context, sink record.Sink, rs record.ReleaseSink, r *record.Record, release func()) error {
	var err error
	for i := 0; i < submitAttempts; i++ {
		if rs != nil {
			err = rs.SubmitRelease(ctx, r, release)
		} else {
			err = sink.Submit(ctx, r)
		}
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
		t := time.NewTimer(time.Duration(i+1) * 20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (then %w)", err, ctx.Err())
		case <-t.C:
		}
	}
	return err
}
