package mediation

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/mediation/record"
)

// Nothing readable at rest: with a keyring (Options.Keyring) every journal and session
// blob is sealed before it reaches Redis, and the LIIDs the session store keeps (hash
// fields, journal headers, closed marks) are HMAC tokens. Tokens are resolved back
// through the warrants this process knows; an entry whose token no warrant matches is
// one for a warrant no longer configured, which was never delivered anyway.

// journalAAD binds sealed blobs to their use.
var journalAAD = []byte("umli journal v1")

// Journal reasons in journal_unreadable_total{reason}.
const (
	reasonTampered = "tampered"
	reasonClear    = "clear" // written before sealing was on
)

// errClearAtRest means a blob was written in clear before sealing was on.
var errClearAtRest = errors.New("journal record written in clear before sealing was on; skipped")

// liidTokens maps LIIDs to their tokens and back; both directions fill on first use.
type liidTokens struct {
	keys *seal.Keyring
	fwd  sync.Map // liid -> token
	back sync.Map // token -> liid
}

func (t *liidTokens) token(liid string) string {
	if v, ok := t.fwd.Load(liid); ok {
		return v.(string)
	}
	tok := t.keys.Token("liid", liid)
	t.fwd.Store(liid, tok)
	t.back.Store(tok, liid)
	return tok
}

// tokenLIIDs is liids as the session store keeps them.
func (m *Mediator) tokenLIIDs(liids []string) []string {
	if m.tok == nil {
		return liids
	}
	out := make([]string, len(liids))
	for i, l := range liids {
		out[i] = m.tok.token(l)
	}
	return out
}

// tokenLIID is one LIID as the session store keeps it.
func (m *Mediator) tokenLIID(liid string) string {
	if m.tok == nil {
		return liid
	}
	return m.tok.token(liid)
}

// liidOf resolves a stored LIID (a token with a keyring) to the LIID.
func (m *Mediator) liidOf(stored string) string {
	if m.tok == nil {
		return stored
	}
	if v, ok := m.tok.back.Load(stored); ok {
		return v.(string)
	}
	// Not seen in this process yet (a replay after a restart): learn the warrants'.
	for _, l := range m.table.Load().LIIDs() {
		m.tok.token(l)
	}
	m.winMu.Lock()
	for l := range m.win.closed {
		m.tok.token(l)
	}
	m.winMu.Unlock()
	if v, ok := m.tok.back.Load(stored); ok {
		return v.(string)
	}
	return stored // unknown: no warrant matches it
}

// encodeRecord is encodeBlob, sealed when a keyring is set.
func (m *Mediator) encodeRecord(r *record.Record, synthesized bool) ([]byte, error) {
	sc := m.getScratch()
	b, err := appendBlob(sc, make([]byte, 0, 96+blobContentSize(r)), r, synthesized)
	m.putScratch(sc)
	if err != nil || m.keys == nil {
		return b, err
	}
	s, err := m.keys.SealBinary(make([]byte, 0, len(b)+64), b, journalAAD)
	if err != nil {
		return nil, fmt.Errorf("mediation: seal journal record: %w", err)
	}
	return s, nil
}

// decodeRecord opens a blob from encodeRecord. Tampered and clear blobs are counted.
func (m *Mediator) decodeRecord(b []byte) (*journalRecord, error) {
	if m.keys == nil {
		return decodeBlob(b)
	}
	if !seal.IsSealed(b) {
		m.met.unreadable.WithLabelValues(reasonClear).Inc()
		return nil, errClearAtRest
	}
	pt, err := m.keys.OpenBinary(nil, b, journalAAD)
	if err != nil {
		m.met.unreadable.WithLabelValues(reasonTampered).Inc()
		return nil, fmt.Errorf("mediation: journal record: %w", err)
	}
	return decodeBlob(pt)
}

// DataKeyRotator is implemented by a Queue that seals under data keys (*handover.Handover).
type DataKeyRotator interface {
	RotateDataKeys(ctx context.Context, dest string) error
}

// rotateDataKeys closes the data-key window of dest's streams once a warrant's window
// closed, so its data is shredded as soon as it is delivered.
func (m *Mediator) rotateDataKeys(ctx context.Context, dest string) {
	r, ok := m.queue.(DataKeyRotator)
	if !ok {
		return
	}
	if err := r.RotateDataKeys(ctx, dest); err != nil {
		m.log.Warn().Err(err).Str("destination", dest).Msg("data keys not rotated at warrant end; they are shredded when their window ends")
	}
}
