package lemf

import (
	"fmt"
	"io"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// Summary is what one LEMF received: per interface totals and, per LIID, network element
// and CIN, the
// IRI events, the reassembled content and the sequence-number accounting.
type Summary struct {
	HI2   InterfaceStats `json:"hi2"`
	HI3   InterfaceStats `json:"hi3"`
	LIIDs []LIIDSummary  `json:"liids"`
	// Gaps, Duplicates, Retransmissions and Conflicts total the per-stream figures.
	Gaps            uint64 `json:"gaps"`
	Duplicates      int    `json:"duplicates"`
	Retransmissions int    `json:"retransmissions"`
	Conflicts       int    `json:"conflicts"`
	// Strict reports that PDUs were checked against the ASN.1 constraints (Config.Strict).
	Strict bool `json:"strict,omitempty"`
}

// InterfaceStats counts what arrived on HI2 or HI3.
type InterfaceStats struct {
	Connections int   `json:"connections"`
	PDUs        int   `json:"pdus"`
	Bytes       int64 `json:"bytes"`
	KeepAlives  int   `json:"keepAlives"`
	// DecodeErrors counts connections closed because a PDU could not be framed or decoded.
	DecodeErrors int `json:"decodeErrors"`
	// HandshakeFailures counts TLS clients refused (for example without a certificate).
	HandshakeFailures int `json:"handshakeFailures"`
	// Violations and ViolatingPDUs count constraint violations (Config.Strict) and the
	// PDUs that had any.
	Violations    int `json:"violations,omitempty"`
	ViolatingPDUs int `json:"violatingPDUs,omitempty"`
}

// LIIDSummary is everything received for one lawful interception identifier.
type LIIDSummary struct {
	LIID string       `json:"liid"`
	CINs []CINSummary `json:"cins"`
}

// CINSummary is everything received for one communication identity number of one
// network element (CINs are unique per element only).
type CINSummary struct {
	// NE is the networkElementIdentifier; empty when the PDUs carried none.
	NE string `json:"ne,omitempty"`
	// CIN is nil when the PDUs carried no communicationIdentityNumber.
	CIN     *uint32          `json:"cin,omitempty"`
	Events  []Event          `json:"events"`
	Content []ContentSummary `json:"content"`
	IRI     SequenceSummary  `json:"iri"`
	CC      SequenceSummary  `json:"cc"`
}

// Event is one IRI record, reduced to what says what happened (no party identities).
type Event struct {
	// Payload is "MessagingIRI" or "EmailIRI".
	Payload string `json:"payload"`
	IRIType string `json:"iRIType,omitempty"`
	// Category is the Messaging-Event-Category as "alternative:value" (for example
	// "message-box:login"), or the e-mail event for EmailIRI.
	Category        string  `json:"category"`
	Status          string  `json:"status"`
	EventIdentifier *uint32 `json:"eventIdentifier,omitempty"`
	// RawBytes is the size of original-message: the vendor's raw event, sent when the
	// platform's event has no ETSI translation (TS 102 232-2 clause 8).
	RawBytes int `json:"rawBytes,omitempty"`
}

// newEvent reduces an IRIPayload to an Event; ok is false for empty contents.
func newEvent(p *etsi.IRIPayload) (Event, bool) {
	var e Event
	if p.IRIType != nil {
		e.IRIType = fmt.Sprint(*p.IRIType)
	}
	switch {
	case p.Contents.MessagingIRI != nil:
		m := p.Contents.MessagingIRI
		e.Payload = "MessagingIRI"
		e.Category = category(m.Category)
		e.Status = fmt.Sprint(m.Status)
		e.EventIdentifier = m.EventIdentifier
		e.RawBytes = len(m.OriginalMessage)
	case p.Contents.EmailIRI != nil:
		m := p.Contents.EmailIRI
		e.Payload = "EmailIRI"
		e.Category = fmt.Sprint(m.EventType)
		e.Status = fmt.Sprint(m.Status)
	default:
		return e, false
	}
	return e, true
}

// category renders the Messaging-Event-Category CHOICE.
func category(c *etsi.MessagingEventCategory) string {
	switch {
	case c == nil:
		return ""
	case c.Message != nil:
		return "message:" + fmt.Sprint(*c.Message)
	case c.MessageBox != nil:
		return "message-box:" + fmt.Sprint(*c.MessageBox)
	case c.Notification != nil:
		return "message-notification:" + fmt.Sprint(*c.Notification)
	case c.Call != nil:
		return "call:" + fmt.Sprint(*c.Call)
	default:
		return ""
	}
}

// Format writes the summary for people.
func (s Summary) Format(w io.Writer) error {
	var b strings.Builder
	for _, hi := range []struct {
		name string
		st   InterfaceStats
	}{{"HI2", s.HI2}, {"HI3", s.HI3}} {
		fmt.Fprintf(&b, "%s: %d connections, %d PDUs (%d keep-alives), %d bytes, %d decode errors, %d TLS refusals\n",
			hi.name, hi.st.Connections, hi.st.PDUs, hi.st.KeepAlives, hi.st.Bytes, hi.st.DecodeErrors, hi.st.HandshakeFailures)
	}
	if s.Strict {
		fmt.Fprintf(&b, "constraint violations: %d in %d PDUs (HI2 %d, HI3 %d)\n", s.HI2.Violations+s.HI3.Violations,
			s.HI2.ViolatingPDUs+s.HI3.ViolatingPDUs, s.HI2.Violations, s.HI3.Violations)
	}
	fmt.Fprintf(&b, "sequence gaps: %d, duplicates: %d (%d retransmissions, %d conflicts)\n",
		s.Gaps, s.Duplicates, s.Retransmissions, s.Conflicts)
	for _, l := range s.LIIDs {
		fmt.Fprintf(&b, "LIID %s\n", l.LIID)
		for _, c := range l.CINs {
			cin := "(none)"
			if c.CIN != nil {
				cin = fmt.Sprint(*c.CIN)
			}
			ne := c.NE
			if ne == "" {
				ne = "(none)"
			}
			fmt.Fprintf(&b, "  NE %s CIN %s\n", ne, cin)
			formatSeq(&b, "IRI", c.IRI)
			formatSeq(&b, "CC", c.CC)
			for _, e := range c.Events {
				cat := e.Category
				if cat == "" {
					cat = "(no category)"
					if e.RawBytes > 0 {
						cat = fmt.Sprintf("raw-event(original-message %d bytes)", e.RawBytes)
					}
				}
				fmt.Fprintf(&b, "    %s %s %s %s", e.Payload, e.IRIType, cat, e.Status)
				if e.EventIdentifier != nil {
					fmt.Fprintf(&b, " event %d", *e.EventIdentifier)
				}
				b.WriteByte('\n')
			}
			for _, ct := range c.Content {
				state := "complete"
				if !ct.Complete {
					state = fmt.Sprintf("incomplete (%d chunks missing)", ct.MissingChunks)
				}
				ids := ""
				if ct.EventIdentifier != nil {
					ids += fmt.Sprintf(" event %d", *ct.EventIdentifier)
				}
				if ct.ContentIdentifier != nil {
					ids += fmt.Sprintf(" content-id %d", *ct.ContentIdentifier)
				}
				fmt.Fprintf(&b, "    %s%s %s %d bytes in %d chunks, %s -> %s\n",
					ct.Payload, ids, ct.ContentType, ct.Bytes, ct.Chunks, state, ct.File)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

func formatSeq(b *strings.Builder, name string, s SequenceSummary) {
	if s.PDUs == 0 {
		return
	}
	fmt.Fprintf(b, "    %s: %d PDUs, seq %d..%d, %d missing, %d duplicates", name, s.PDUs, s.Lowest, s.Highest, s.Gaps, s.Duplicates)
	if s.Conflicts > 0 {
		fmt.Fprintf(b, " (%d conflicts)", s.Conflicts)
	}
	for _, m := range s.Missing {
		if m.From == m.To {
			fmt.Fprintf(b, " [%d]", m.From)
		} else {
			fmt.Fprintf(b, " [%d-%d]", m.From, m.To)
		}
	}
	b.WriteByte('\n')
}
