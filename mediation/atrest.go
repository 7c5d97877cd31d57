package mediation

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
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

// encodeBlobs sets j's journal blobs (encodeBlob, sealed when a keyring is set): the
// record's, and for an IRI that opens or continues a sequence the close blob (explicit
// close event) or the generic one. Both share one array, j's own when they fit; s is
// working memory.
// binary reports that the record's blob is in binary form, i.e. its content encoded at
// the latest version without Conform.
func (m *Mediator) encodeBlobs(s *pduScratch, j *job) (binary bool, err error) {
	r := &j.r
	var c *record.Record
	explicit := false
	if j.kind == session.IRI && (r.Boundary == record.Open || r.Boundary == record.Continue) {
		explicit = r.Boundary == record.Open && r.CloseEvent != nil
		if explicit {
			c = s.close.record(r, r.CloseEvent)
		} else {
			c = s.close.record(r, nil)
		}
	}
	buf, err := appendBlob(s, s.blob[:0], r, false)
	if err != nil {
		return false, err
	}
	binary, n := buf[0] == blobBinary, len(buf)
	if c != nil {
		if buf, err = appendBlob(s, buf, c, true); err != nil {
			return false, err
		}
	}
	if cap(buf) <= 64<<10 {
		s.blob = buf[:0]
	}
	need := len(buf)
	if m.keys != nil {
		need += 2 * sealOverhead
	}
	out := j.blobArr[:0]
	if need > len(j.blobArr) {
		out = make([]byte, 0, need)
	}
	if m.keys == nil {
		out = append(out, buf...)
	} else {
		// One array for both seals (it grows only for an unusually long key id).
		if out, err = m.keys.SealBinary(out, buf[:n], journalAAD); err != nil {
			return false, fmt.Errorf("mediation: seal journal record: %w", err)
		}
		first := len(out)
		if c != nil {
			if out, err = m.keys.SealBinary(out, buf[n:], journalAAD); err != nil {
				return false, fmt.Errorf("mediation: seal journal record: %w", err)
			}
		}
		n = first
	}
	j.blob = out[:n:n]
	switch {
	case c == nil:
	case explicit:
		j.closeBlob = out[n:]
	default:
		j.generic = out[n:]
	}
	return binary, nil
}

// sealOverhead is what SealBinary adds at most to a plaintext (key id, nonce, tag).
const sealOverhead = 64

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
