package sdpinfo

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// MaxMetadataSize bounds an accepted rs-metadata document.
const MaxMetadataSize = 64 << 10

// Participant is one party of the recorded call (RFC 7865 participant).
type Participant struct {
	ID string
	// AORs are the participant's addresses of record (nameID aor), e.g. sip: or tel: URIs.
	AORs []string
	// Sends and Receives are the a=label values of the streams the participant sends
	// and receives.
	Sends    []string
	Receives []string
}

// Metadata is what umli reads from an rs-metadata document.
type Metadata struct {
	// Participants in document order; SRCs list the calling party first.
	Participants []Participant
	// PlatformUUID is a UM platform call UUID found in the session's extension data
	// (an element named uuid, call-uuid or call_uuid), if any.
	PlatformUUID string
}

// xml shapes of RFC 7865; send/recv appear both inside participantstreamassoc (RFC 7865)
// and directly inside participant (the older drafts some SRCs still emit).
type xmlRecording struct {
	XMLName      xml.Name         `xml:"recording"`
	Sessions     []xmlSession     `xml:"session"`
	Participants []xmlParticipant `xml:"participant"`
	Streams      []xmlStream      `xml:"stream"`
	Assocs       []xmlAssoc       `xml:"participantstreamassoc"`
}

type xmlSession struct {
	Extension xmlAny `xml:"extensiondata"`
}

type xmlAny struct {
	Inner []byte `xml:",innerxml"`
}

type xmlParticipant struct {
	ID      string `xml:"participant_id,attr"`
	NameIDs []struct {
		AOR string `xml:"aor,attr"`
	} `xml:"nameID"`
	AORs []string `xml:"aor"`
	Send []string `xml:"send"`
	Recv []string `xml:"recv"`
}

type xmlStream struct {
	ID    string `xml:"stream_id,attr"`
	Label string `xml:"label"`
}

type xmlAssoc struct {
	Participant string   `xml:"participant_id,attr"`
	Send        []string `xml:"send"`
	Recv        []string `xml:"recv"`
}

// Errors of rs-metadata parsing.
var (
	ErrMetadataTooLarge = errors.New("rs-metadata too large")
	ErrNoParticipants   = errors.New("rs-metadata names no participant")
)

// maxParticipants bounds the work one document can cause.
const maxParticipants = 64

// ParseMetadata reads an application/rs-metadata+xml document. encoding/xml expands no
// external entities, so hostile documents cost at most their size.
func ParseMetadata(body []byte) (*Metadata, error) {
	if len(body) > MaxMetadataSize {
		return nil, fmt.Errorf("rs-metadata: %w: %d bytes", ErrMetadataTooLarge, len(body))
	}
	var doc xmlRecording
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("rs-metadata: at byte %d: %w", dec.InputOffset(), err)
	}
	if len(doc.Participants) == 0 {
		return nil, fmt.Errorf("rs-metadata: %w", ErrNoParticipants)
	}
	if len(doc.Participants) > maxParticipants || len(doc.Streams) > maxParticipants {
		return nil, fmt.Errorf("rs-metadata: %d participants, %d streams: more than %d", len(doc.Participants), len(doc.Streams), maxParticipants)
	}
	labels := make(map[string]string, len(doc.Streams))
	for _, s := range doc.Streams {
		labels[s.ID] = strings.TrimSpace(s.Label)
	}
	label := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			id = strings.TrimSpace(id)
			if l, ok := labels[id]; ok && l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	md := &Metadata{}
	index := make(map[string]int, len(doc.Participants))
	for _, p := range doc.Participants {
		mp := Participant{ID: p.ID, Sends: label(p.Send), Receives: label(p.Recv)}
		for _, n := range p.NameIDs {
			if a := strings.TrimSpace(n.AOR); a != "" {
				mp.AORs = append(mp.AORs, a)
			}
		}
		for _, a := range p.AORs {
			if a = strings.TrimSpace(a); a != "" {
				mp.AORs = append(mp.AORs, a)
			}
		}
		index[p.ID] = len(md.Participants)
		md.Participants = append(md.Participants, mp)
	}
	for _, a := range doc.Assocs {
		i, ok := index[a.Participant]
		if !ok {
			return nil, fmt.Errorf("rs-metadata: participantstreamassoc names unknown participant %q", a.Participant)
		}
		md.Participants[i].Sends = append(md.Participants[i].Sends, label(a.Send)...)
		md.Participants[i].Receives = append(md.Participants[i].Receives, label(a.Recv)...)
	}
	for _, s := range doc.Sessions {
		if u := findUUID(s.Extension.Inner); u != "" {
			md.PlatformUUID = u
			break
		}
	}
	return md, nil
}

// findUUID looks for a call UUID element in a session's extensiondata.
func findUUID(inner []byte) string {
	if len(inner) == 0 {
		return ""
	}
	dec := xml.NewDecoder(bytes.NewReader(inner))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(se.Name.Local) {
		case "uuid", "call-uuid", "call_uuid":
			var v string
			if err := dec.DecodeElement(&v, &se); err != nil {
				return ""
			}
			return strings.TrimSpace(v)
		}
	}
}

// SenderOf returns the participant that sends the stream with the given label.
func (m *Metadata) SenderOf(label string) (Participant, bool) {
	for _, p := range m.Participants {
		for _, l := range p.Sends {
			if l == label {
				return p, true
			}
		}
	}
	return Participant{}, false
}
