package lemfweb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/simulators/lemf"
)

// Bounds that keep one huge or hostile output directory from exhausting the viewer.
const (
	// maxLine bounds one records.jsonl line (a PDU of lemf.DefaultMaxPDU as hex is twice
	// its size, plus the record around it).
	maxLine = 2*lemf.DefaultMaxPDU + 64<<10
	// maxShownPDU bounds the JSON shown per event; longer PDUs are cut and say so.
	maxShownPDU = 64 << 10
)

// record is one line of records.jsonl as the LEMF writes it.
type record struct {
	HI        string          `json:"hi"`
	Offset    int64           `json:"offset"`
	Received  string          `json:"received"`
	PDU       json.RawMessage `json:"pdu"`
	Duplicate bool            `json:"duplicate"`
	Error     string          `json:"error"`
}

// pdu is the part of the PS-PDU JSON form the viewer reads.
type pdu struct {
	PSHeader struct {
		LIID    string `json:"lawfulInterceptionIdentifier"`
		CommsID struct {
			NetworkID struct {
				NE string `json:"networkElementIdentifier"`
			} `json:"networkIdentifier"`
			CIN *uint32 `json:"communicationIdentityNumber"`
		} `json:"communicationIdentifier"`
		Seq       *uint32  `json:"sequenceNumber"`
		TimeStamp string   `json:"timeStamp"`
		MicroTS   *microTS `json:"microSecondTimeStamp"`
	} `json:"pSHeader"`
	Payload struct {
		IRI []struct {
			IRIType   string   `json:"iRIType"`
			TimeStamp string   `json:"timeStamp"`
			MicroTS   *microTS `json:"microSecondTimeStamp"`
			Contents  struct {
				Messaging *messagingIRI `json:"messagingIRI"`
				Email     *emailIRI     `json:"emailIRI"`
			} `json:"iRIContents"`
		} `json:"iRIPayloadSequence"`
		CC  []json.RawMessage `json:"cCPayloadSequence"`
		TRI json.RawMessage   `json:"tRIPayload"`
	} `json:"payload"`
}

type microTS struct {
	Seconds int64 `json:"seconds"`
	Micro   int64 `json:"microSeconds"`
}

func (m *microTS) time() time.Time {
	if m == nil {
		return time.Time{}
	}
	return time.Unix(m.Seconds, m.Micro*1000).UTC()
}

type messagingIRI struct {
	Category map[string]string `json:"category"`
	Status   string            `json:"status"`
	EventID  *uint32           `json:"event-identifier"`
	Parties  []struct {
		Qualifier string                     `json:"party-qualifier"`
		Identity  map[string]json.RawMessage `json:"party-identity"`
	} `json:"party-information"`
	Original json.RawMessage `json:"original-message"`
}

type emailIRI struct {
	EventType  string   `json:"eventType"`
	Status     string   `json:"status"`
	Sender     string   `json:"e-mail-Sender"`
	Recipients []string `json:"e-mail-Recipients"`
	AAA        map[string]struct {
		Username string `json:"username"`
	} `json:"aAAInformation"`
}

// Event is one IRI payload (or a gap marker) on a CIN's timeline.
type Event struct {
	// Gap, when set, marks missing IRI sequence numbers before the next event.
	Gap *lemf.SeqRange
	Seq *uint32
	// Duplicate is a sequence number seen before (a handover resend).
	Duplicate bool
	Time      time.Time
	Received  string
	HI        string
	Offset    int64
	Payload   string
	IRIType   string
	Category  string
	Status    string
	EventID   *uint32
	Parties   []string
	// PDU is the decoded PS-PDU in its JSON form, indented.
	PDU string
}

// SeqView is the sequence-number accounting of one (LIID, NE, CIN, IRI|CC) stream.
type SeqView struct {
	PDUs, Duplicates int
	Lowest, Highest  uint32
	Gaps             uint64
	Missing          []lemf.SeqRange
	seen             map[uint32]bool
}

// CIN is everything received for one CIN of one network element of one LIID.
type CIN struct {
	LIID, NE string
	CIN      *uint32
	Events   []Event
	IRI, CC  SeqView
	Content  []Content
	// First and Last bound the event times.
	First, Last time.Time
}

// Key is the CIN's query string identity.
func (c *CIN) Key() string { return cinKey(c.LIID, c.NE, c.CIN) }

// CINText is the CIN for display.
func (c *CIN) CINText() string {
	if c.CIN == nil {
		return "(none)"
	}
	return strconv.FormatUint(uint64(*c.CIN), 10)
}

// CINParam is the CIN as the /cin page's query takes it.
func (c *CIN) CINParam() string {
	if c.CIN == nil {
		return "none"
	}
	return c.CINText()
}

// NEText is the network element for display.
func (c *CIN) NEText() string {
	if c.NE == "" {
		return "(none)"
	}
	return c.NE
}

// Content is one reassembled content file of a CIN.
type Content struct {
	lemf.ContentSummary
	// Name is the file name inside content/.
	Name  string
	Audio bool
	Email *MailView
}

// ErrorRecord is a records.jsonl line for bytes the LEMF could not decode.
type ErrorRecord struct {
	HI       string
	Offset   int64
	Received string
	Error    string
}

// Model is one reading of an output directory.
type Model struct {
	CINs       []*CIN
	Errors     []ErrorRecord
	Records    int
	KeepAlives int
	// Unplaced lists content files no CIN of the summary names (no summary yet).
	Unplaced []string
	// Warnings are problems reading the directory that did not stop the page.
	Warnings []string
}

func cinKey(liid, ne string, cin *uint32) string {
	c := ""
	if cin != nil {
		c = strconv.FormatUint(uint64(*cin), 10)
	}
	return liid + "\x00" + ne + "\x00" + c
}

// load reads dir/records.jsonl and places the content the summary lists.
func load(dir string, summary func() (lemf.Summary, error)) (*Model, error) {
	m := &Model{}
	byKey := map[string]*CIN{}
	get := func(liid, ne string, cin *uint32) *CIN {
		k := cinKey(liid, ne, cin)
		c, ok := byKey[k]
		if !ok {
			c = &CIN{LIID: liid, NE: ne, CIN: cin}
			c.IRI.seen, c.CC.seen = map[uint32]bool{}, map[uint32]bool{}
			byKey[k] = c
		}
		return c
	}
	f, err := os.Open(filepath.Join(dir, lemf.RecordsFile))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", lemf.RecordsFile, err)
	}
	defer f.Close()
	if err := m.readRecords(f, get); err != nil {
		return nil, err
	}
	for _, c := range byKey {
		c.finish()
		m.CINs = append(m.CINs, c)
	}
	sortCINs(m.CINs)
	m.placeContent(dir, byKey, summary)
	return m, nil
}

func (m *Model) readRecords(r io.Reader, get func(liid, ne string, cin *uint32) *CIN) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if len(line) > 0 {
			m.add(line, lineNo, get)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s line %d: %w", lemf.RecordsFile, lineNo, err)
		}
	}
}

// readLine returns one line without its newline; a line over maxLine is skipped whole
// and reported as a bad line.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong && len(line)+len(chunk) > maxLine {
			tooLong, line = true, nil
		}
		if !tooLong {
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			// Not JSON, so add reports it as a bad line with its number.
			return []byte("line longer than the viewer reads"), err
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// add files one records.jsonl line; a bad line becomes a warning, the rest still shows.
func (m *Model) add(line []byte, lineNo int, get func(liid, ne string, cin *uint32) *CIN) {
	m.Records++
	var r record
	if err := json.Unmarshal(line, &r); err != nil {
		m.warn("%s line %d: not a record (%v)", lemf.RecordsFile, lineNo, err)
		return
	}
	if r.Error != "" || len(r.PDU) == 0 {
		m.Errors = append(m.Errors, ErrorRecord{HI: r.HI, Offset: r.Offset, Received: r.Received, Error: r.Error})
		return
	}
	var p pdu
	if err := json.Unmarshal(r.PDU, &p); err != nil {
		m.warn("%s line %d: PDU not in the JSON form (%v)", lemf.RecordsFile, lineNo, err)
		return
	}
	if len(p.Payload.TRI) > 0 {
		m.KeepAlives++
		return
	}
	h := &p.PSHeader
	c := get(h.LIID, h.CommsID.NetworkID.NE, h.CommsID.CIN)
	dup := r.Duplicate
	if h.Seq != nil {
		sv := &c.CC
		if len(p.Payload.IRI) > 0 {
			sv = &c.IRI
		}
		sv.PDUs++
		if sv.seen[*h.Seq] {
			dup = true
		}
		if dup {
			sv.Duplicates++
		}
		sv.seen[*h.Seq] = true
	}
	if len(p.Payload.IRI) == 0 {
		return
	}
	shown := indent(r.PDU)
	headerTime := parseTime(h.TimeStamp, h.MicroTS)
	for _, iri := range p.Payload.IRI {
		e := Event{Seq: h.Seq, Duplicate: dup, Received: r.Received, HI: r.HI, Offset: r.Offset,
			IRIType: iri.IRIType, PDU: shown, Time: parseTime(iri.TimeStamp, iri.MicroTS)}
		if e.Time.IsZero() {
			e.Time = headerTime
		}
		switch {
		case iri.Contents.Messaging != nil:
			mi := iri.Contents.Messaging
			e.Payload, e.Status, e.EventID = "MessagingIRI", mi.Status, mi.EventID
			for alt, v := range mi.Category {
				e.Category = alt + ":" + v
			}
			if e.Category == "" && len(mi.Original) > 0 {
				e.Category = "raw event (original-message)"
			}
			for _, pi := range mi.Parties {
				e.Parties = append(e.Parties, pi.Qualifier+": "+identity(pi.Identity))
			}
		case iri.Contents.Email != nil:
			ei := iri.Contents.Email
			e.Payload, e.Category, e.Status = "EmailIRI", ei.EventType, ei.Status
			if ei.Sender != "" {
				e.Parties = append(e.Parties, "sender: "+ei.Sender)
			}
			for _, rc := range ei.Recipients {
				e.Parties = append(e.Parties, "recipient: "+rc)
			}
			for _, a := range ei.AAA {
				if a.Username != "" {
					e.Parties = append(e.Parties, "username: "+a.Username)
				}
			}
		default:
			e.Payload = "IRI"
		}
		c.Events = append(c.Events, e)
	}
}

func (m *Model) warn(format string, args ...any) {
	if len(m.Warnings) < 100 {
		m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
	}
}

// identity renders a party-identity: each alternative as name=value, using the decoded
// digits or address where the JSON form gives one.
func identity(id map[string]json.RawMessage) string {
	names := make([]string, 0, len(id))
	for k := range id {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		raw := id[k]
		var s string
		if json.Unmarshal(raw, &s) == nil {
			parts = append(parts, k+"="+s)
			continue
		}
		var o map[string]json.RawMessage
		if json.Unmarshal(raw, &o) == nil {
			for _, view := range []string{"digits", "ip", "hex"} {
				if v, ok := o[view]; ok && json.Unmarshal(v, &s) == nil {
					parts = append(parts, k+"="+s)
					break
				}
			}
			continue
		}
		parts = append(parts, k+"="+string(raw))
	}
	return strings.Join(parts, " ")
}

func parseTime(s string, m *microTS) time.Time {
	if s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC()
		}
	}
	return m.time()
}

func indent(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	if b.Len() > maxShownPDU {
		return b.String()[:maxShownPDU] + "\n… (cut at " + strconv.Itoa(maxShownPDU) + " bytes; the whole PDU is in records.jsonl)"
	}
	return b.String()
}

// finish orders the timeline by sequence number (arrival order without one), inserts
// gap markers and computes the accounting.
func (c *CIN) finish() {
	sort.SliceStable(c.Events, func(i, j int) bool {
		a, b := c.Events[i].Seq, c.Events[j].Seq
		if a == nil || b == nil {
			return false
		}
		return *a < *b
	})
	c.IRI.close()
	c.CC.close()
	var out []Event
	var last *uint32
	for _, e := range c.Events {
		if e.Seq != nil && last != nil && *e.Seq > *last+1 {
			out = append(out, Event{Gap: &lemf.SeqRange{From: *last + 1, To: *e.Seq - 1}})
		}
		if e.Seq != nil {
			last = e.Seq
		}
		out = append(out, e)
		if !e.Time.IsZero() {
			if c.First.IsZero() || e.Time.Before(c.First) {
				c.First = e.Time
			}
			if e.Time.After(c.Last) {
				c.Last = e.Time
			}
		}
	}
	c.Events = out
}

func (s *SeqView) close() {
	if len(s.seen) == 0 {
		return
	}
	seqs := make([]uint32, 0, len(s.seen))
	for n := range s.seen {
		seqs = append(seqs, n)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	s.Lowest, s.Highest = seqs[0], seqs[len(seqs)-1]
	for i := 1; i < len(seqs); i++ {
		if seqs[i] > seqs[i-1]+1 {
			hole := lemf.SeqRange{From: seqs[i-1] + 1, To: seqs[i] - 1}
			s.Gaps += uint64(hole.To-hole.From) + 1
			if len(s.Missing) < 64 {
				s.Missing = append(s.Missing, hole)
			}
		}
	}
	s.seen = nil
}

func sortCINs(cs []*CIN) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.LIID != b.LIID {
			return a.LIID < b.LIID
		}
		if a.NE != b.NE {
			return a.NE < b.NE
		}
		if (a.CIN == nil) != (b.CIN == nil) {
			return a.CIN == nil
		}
		return a.CIN != nil && *a.CIN < *b.CIN
	})
}

// placeContent attaches the summary's content files to their CINs; files the summary
// does not name (none yet, or another run's) are listed as unplaced.
func (m *Model) placeContent(dir string, byKey map[string]*CIN, summary func() (lemf.Summary, error)) {
	placed := map[string]bool{}
	if summary != nil {
		s, err := summary()
		if err != nil {
			m.warn("summary: %v", err)
		}
		for _, l := range s.LIIDs {
			for _, cs := range l.CINs {
				c := byKey[cinKey(l.LIID, cs.NE, cs.CIN)]
				for _, ct := range cs.Content {
					name, ok := contentName(ct.File)
					if !ok {
						m.warn("summary names content file %q outside %s/", ct.File, lemf.ContentDir)
						continue
					}
					placed[name] = true
					if c == nil {
						continue // records.jsonl not flushed that far yet
					}
					v := Content{ContentSummary: ct, Name: name, Audio: strings.HasSuffix(name, ".wav")}
					if strings.HasSuffix(name, ".eml") {
						v.Email = readMail(dir, name)
					}
					c.Content = append(c.Content, v)
				}
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, lemf.ContentDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		m.warn("list %s: %v", lemf.ContentDir, err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && validName(e.Name()) && !placed[e.Name()] {
			m.Unplaced = append(m.Unplaced, e.Name())
		}
	}
}

// contentName is the file name of a summary's "content/NAME" path.
func contentName(file string) (string, bool) {
	name, ok := strings.CutPrefix(filepath.ToSlash(file), lemf.ContentDir+"/")
	if !ok || !validName(name) {
		return "", false
	}
	return name, true
}

// summaryFile reads summary.json; without one (the LEMF still running elsewhere) the
// summary is empty and content is listed unplaced.
func summaryFile(dir string) func() (lemf.Summary, error) {
	return func() (lemf.Summary, error) {
		var s lemf.Summary
		b, err := os.ReadFile(filepath.Join(dir, lemf.SummaryFile))
		if errors.Is(err, os.ErrNotExist) {
			return s, nil
		}
		if err != nil {
			return s, fmt.Errorf("read %s: %w", lemf.SummaryFile, err)
		}
		if err := json.Unmarshal(b, &s); err != nil {
			return s, fmt.Errorf("%s: %w", lemf.SummaryFile, err)
		}
		return s, nil
	}
}
