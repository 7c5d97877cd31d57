package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
	"github.com/umli/umli/umsys/translate/transcript"
)

type input struct {
	name string
	data []byte
}

func readInputs(o *options, stdin io.Reader) ([]input, error) {
	if len(o.files) == 0 {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("stdin: %w", err)
		}
		return []input{{"stdin", b}}, nil
	}
	var in []input
	for _, f := range o.files {
		if f == "-" {
			b, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("stdin: %w", err)
			}
			in = append(in, input{"stdin", b})
			continue
		}
		b, err := os.ReadFile(f) //nolint:gosec // G703: the operator names the input files
		if err != nil {
			return nil, err
		}
		in = append(in, input{f, b})
	}
	return in, nil
}

func newTranslator(o *options) translate.Translator {
	cfg := translate.Config{SystemID: o.system}
	switch o.dialect {
	case feed.FreeSWITCH:
		return translate.NewFreeSWITCH(cfg)
	case feed.Asterisk:
		return translate.NewAsterisk(cfg)
	case feed.CUNI:
		return translate.NewCUNI(cfg)
	case feed.JSON:
		// JSON lines: the generic translator with the chosen profile, below.
	}
	return translate.NewGeneric(cfg, o.profile)
}

// translateAll reads every input first, so unreadable input prints nothing.
func translateAll(o *options, stdin io.Reader, stdout io.Writer) error {
	inputs, err := readInputs(o, stdin)
	if err != nil {
		return err
	}
	received := time.Now().UTC()
	type located struct {
		item transcript.Item
		file string
	}
	var items []located
	for _, in := range inputs {
		its, err := transcript.ReadItems(o.dialect, in.data, "translate", received)
		if err != nil {
			return fmt.Errorf("%s: %w", in.name, err)
		}
		for _, it := range its {
			items = append(items, located{it, in.name})
		}
	}
	if len(items) == 0 {
		return errors.New("no events in the input")
	}
	tr := newTranslator(o)
	var outs []translate.Output
	for _, it := range items {
		n := len(outs)
		outs = tr.Translate(outs, it.item.Event)
		for _, out := range outs[n:] {
			if out.Err != nil {
				return fmt.Errorf("%s: line %d (offset %d): %w", it.file, it.item.Line, it.item.Offset, out.Err)
			}
		}
	}
	outs = tr.Flush(outs, time.Time{})

	w := bufio.NewWriter(stdout)
	st := newSession()
	var ber []byte
	for i := range outs {
		o2 := &outs[i]
		iriType := st.iriType(&o2.Record)
		st.number(&o2.Record)
		line, err := render(o2, iriType, o.explain)
		if err != nil {
			return err
		}
		// bufio: a write error sticks and is returned by Flush.
		_, _ = w.Write(line)
		_ = w.WriteByte('\n')
		if o.ber != "" {
			if ber, err = appendPDU(ber, o2, iriType, uint32(i)); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if o.ber != "" {
		if err := os.WriteFile(o.ber, ber, 0o600); err != nil { //nolint:gosec // G703: the operator names the output file
			return fmt.Errorf("--ber: %w", err)
		}
	}
	return nil
}

// session mirrors what mediation does for one session: which sequences are open and
// how event-identifiers are numbered.
type session struct {
	open   map[string]bool
	events map[string]map[string]uint32
}

func newSession() *session {
	return &session{open: map[string]bool{}, events: map[string]map[string]uint32{}}
}

func (s *session) iriType(r *record.Record) etsi.IRIType {
	k := r.CorrelationKey
	switch r.Boundary {
	case record.Open, record.Continue:
		if s.open[k] {
			return etsi.IRIContinue
		}
		s.open[k] = true
		return etsi.IRIBegin
	case record.Close:
		if s.open[k] {
			delete(s.open, k)
			return etsi.IRIEnd
		}
		return etsi.IRIReport
	case record.Standalone, record.Report:
		return etsi.IRIReport
	}
	return etsi.IRIReport
}

// number gives records with an EventKey an event-identifier, one per key within the
// correlation key, counting from 1.
func (s *session) number(r *record.Record) {
	if r.EventKey == "" || r.MessagingIRI == nil {
		return
	}
	m := s.events[r.CorrelationKey]
	if m == nil {
		m = map[string]uint32{}
		s.events[r.CorrelationKey] = m
	}
	id, ok := m[r.EventKey]
	if !ok {
		id = uint32(len(m) + 1) //nolint:gosec // G115: one id per distinct input value held in memory, far below 2^32
		m[r.EventKey] = id
	}
	r.MessagingIRI.EventIdentifier = &id
}

type line struct {
	CorrelationKey string          `json:"correlationKey"`
	IRIType        string          `json:"iRIType"`
	Rule           string          `json:"rule,omitempty"`
	Content        string          `json:"content,omitempty"`
	Identities     []string        `json:"identities,omitempty"`
	Record         json.RawMessage `json:"record"`
}

func render(o *translate.Output, t etsi.IRIType, explain bool) ([]byte, error) {
	iri, err := iriJSON(o.Record.MessagingIRI, t)
	if err != nil {
		return nil, err
	}
	l := line{CorrelationKey: o.Record.CorrelationKey, IRIType: t.String(), Record: iri}
	if explain {
		l.Rule = o.Rule
		if o.Content != nil {
			l.Content = o.Content.Location
			if o.Content.Inline != nil {
				l.Content = fmt.Sprintf("inline, %d bytes", len(o.Content.Inline))
			}
		}
		for _, id := range o.Record.Identities {
			l.Identities = append(l.Identities, identityKind(id.Kind)+":"+id.Value)
		}
	}
	return json.Marshal(l)
}

func identityKind(k record.IdentityKind) string {
	switch k {
	case record.IdentityE164:
		return "e164"
	case record.IdentityEmail:
		return "email"
	case record.IdentityBoxID:
		return "box"
	case record.IdentitySIPURI:
		return "sip"
	case record.IdentityIP:
		return "ip"
	}
	return fmt.Sprintf("kind%d", int(k))
}

// iriJSON renders the MessagingIRI in the codec's JSON form: the codec renders whole
// PS-PDUs, so wrap it in one and take the messagingIRI object back out.
func iriJSON(iri *etsi.MessagingIRI, t etsi.IRIType) (json.RawMessage, error) {
	p := etsi.IRIPDU(pduHeader(0), etsi.IRIPayload{IRIType: &t, Contents: etsi.IRIContents{MessagingIRI: iri}})
	b, err := p.JSON()
	if err != nil {
		return nil, fmt.Errorf("render IRI: %w", err)
	}
	var doc struct {
		Payload struct {
			IRI []struct {
				Contents struct {
					MessagingIRI json.RawMessage `json:"messagingIRI"`
				} `json:"iRIContents"`
			} `json:"iRIPayloadSequence"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Payload.IRI) != 1 {
		return nil, fmt.Errorf("render IRI: unexpected codec JSON: %w", err)
	}
	return doc.Payload.IRI[0].Contents.MessagingIRI, nil
}

func pduHeader(seq uint32) etsi.PSHeader {
	cin := uint32(1)
	return etsi.PSHeader{
		LIID: "TRANSLATE",
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "umli", NetworkElementIdentifier: "translate"},
			CIN:               &cin,
		},
		SequenceNumber: seq,
	}
}

func appendPDU(dst []byte, o *translate.Output, t etsi.IRIType, seq uint32) ([]byte, error) {
	h := pduHeader(seq)
	ts := o.Record.Time
	if !ts.IsZero() {
		h.TimeStamp = &ts
	}
	p := etsi.IRIPDU(h, etsi.IRIPayload{IRIType: &t, Contents: etsi.IRIContents{MessagingIRI: o.Record.MessagingIRI}})
	out, err := p.AppendBER(dst, etsi.LatestVersion())
	if err != nil {
		return nil, fmt.Errorf("--ber: record %d: %w", seq, err)
	}
	return out, nil
}
