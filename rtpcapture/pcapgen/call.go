package pcapgen

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// Call is a generated call to the UM system: SIP INVITE/200/ACK with SDP offer and
// answer, both RTP directions, BYE/200.
type Call struct {
	// Transport is "udp" or "tcp" for the SIP signalling.
	Transport  string
	CallID     string
	Caller, UM netip.AddrPort // SIP addresses
	From, To   string         // header values
	RequestURI string
	// Headers are extra INVITE header lines ("Diversion: <sip:...>").
	Headers []string
	// CallerRTP goes from the caller's media address (the offer's) to the UM's; UMRTP
	// back. Their Src addresses are what the SDP offer and answer announce.
	CallerRTP, UMRTP Stream
	// Strangers are RTP packets sent to the UM media port from an address nobody
	// negotiated.
	Strangers int
	Start     time.Time
}

type event struct {
	at    time.Time
	order int
	write func(*Writer) error
}

func sdpBody(media netip.AddrPort, withDTMF bool) string {
	ipv := "IP4"
	if media.Addr().Is6() {
		ipv = "IP6"
	}
	fmts, maps := "0", "a=rtpmap:0 PCMU/8000\r\n"
	if withDTMF {
		fmts += " 101"
		maps += "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
	}
	return fmt.Sprintf("v=0\r\no=- 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\nm=audio %d RTP/AVP %s\r\n%sa=sendrecv\r\n",
		ipv, media.Addr(), ipv, media.Addr(), media.Port(), fmts, maps)
}

func (c Call) request(method string, cseq int, body string, extra []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s SIP/2.0\r\n", method, c.RequestURI)
	fmt.Fprintf(&b, "Via: SIP/2.0/%s %s;branch=z9hG4bK-%s-%d\r\n", strings.ToUpper(c.Transport), c.Caller, c.CallID, cseq)
	fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: %s;tag=caller1\r\n", c.From)
	to := c.To
	if method != "INVITE" {
		to += ";tag=um1"
	}
	fmt.Fprintf(&b, "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", to, c.CallID, cseq, method)
	fmt.Fprintf(&b, "Contact: <sip:caller@%s;transport=%s>\r\n", c.Caller, c.Transport)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		b.WriteString("Content-Type: application/sdp\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}

func (c Call) response(code int, reason string, cseq int, method, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SIP/2.0 %d %s\r\n", code, reason)
	fmt.Fprintf(&b, "Via: SIP/2.0/%s %s;branch=z9hG4bK-%s-%d\r\n", strings.ToUpper(c.Transport), c.Caller, c.CallID, cseq)
	fmt.Fprintf(&b, "From: %s;tag=caller1\r\nTo: %s;tag=um1\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", c.From, c.To, c.CallID, cseq, method)
	if body != "" {
		b.WriteString("Content-Type: application/sdp\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return b.String()
}

// events lays the call out in time.
func (c Call) events() ([]event, error) {
	var evs []event
	n := 0
	add := func(at time.Time, f func(*Writer) error) {
		evs = append(evs, event{at: at, order: n, write: f})
		n++
	}
	seq := map[bool]uint32{true: 1000, false: 5000} // per direction, caller->UM is true
	sip := func(at time.Time, fromCaller bool, msg string, split bool) {
		src, dst := c.UM, c.Caller
		if fromCaller {
			src, dst = c.Caller, c.UM
		}
		if c.Transport == "udp" {
			add(at, func(w *Writer) error { return w.UDP(at, src, dst, []byte(msg)) })
			return
		}
		parts := []string{msg}
		if split {
			// The INVITE crosses a segment boundary in the middle of its SDP body.
			cut := len(msg) - 40
			parts = []string{msg[:cut], msg[cut:]}
		}
		for i, p := range parts {
			s := seq[fromCaller]
			seq[fromCaller] += uint32(len(p)) //nolint:gosec // G115: TCP sequence numbers wrap mod 2^32 on purpose (RFC 793)
			at := at.Add(time.Duration(i) * time.Millisecond)
			add(at, func(w *Writer) error { return w.TCP(at, src, dst, s, false, []byte(p)) })
		}
	}
	t := c.Start
	if c.Transport == "tcp" {
		add(t, func(w *Writer) error { return w.TCP(t, c.Caller, c.UM, 999, true, nil) })
		t = t.Add(time.Millisecond)
	}
	sip(t, true, c.request("INVITE", 1, sdpBody(c.CallerRTP.Src, true), c.Headers), true)
	sip(t.Add(5*time.Millisecond), false, c.response(100, "Trying", 1, "INVITE", ""), false)
	sip(t.Add(10*time.Millisecond), false, c.response(200, "OK", 1, "INVITE", sdpBody(c.UMRTP.Src, true)), false)
	sip(t.Add(15*time.Millisecond), true, c.request("ACK", 1, "", nil), false)
	mediaStart := t.Add(20 * time.Millisecond)
	end := mediaStart
	for i, s := range []Stream{c.CallerRTP, c.UMRTP} {
		pkts, err := s.packets()
		if err != nil {
			return nil, err
		}
		at := mediaStart.Add(time.Duration(i) * 7 * time.Millisecond)
		for _, idx := range s.sendOrder(len(pkts)) {
			raw, src, dst, when := pkts[idx].raw, s.Src, s.Dst, at
			add(when, func(w *Writer) error { return w.UDP(when, src, dst, raw) })
			at = at.Add(Ptime)
		}
		if at.After(end) {
			end = at
		}
	}
	for i := 0; i < c.Strangers; i++ {
		at := mediaStart.Add(time.Duration(i)*Ptime + 3*time.Millisecond)
		stranger := netip.AddrPortFrom(netip.MustParseAddr("203.0.113.66"), 40000)
		raw := []byte{0x80, 0, 0, byte(i), 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff}
		add(at, func(w *Writer) error { return w.UDP(at, stranger, c.UMRTP.Src, raw) })
	}
	sip(end.Add(20*time.Millisecond), true, c.request("BYE", 2, "", nil), false)
	sip(end.Add(25*time.Millisecond), false, c.response(200, "OK", 2, "BYE", ""), false)
	return evs, nil
}

// WriteCalls writes the calls, interleaved in time, as one pcap file.
func WriteCalls(out io.Writer, calls []Call) error {
	w, err := NewWriter(out)
	if err != nil {
		return err
	}
	var all []event
	for i, c := range calls {
		evs, err := c.events()
		if err != nil {
			return fmt.Errorf("call %d: %w", i, err)
		}
		for j := range evs {
			evs[j].order += i << 20
		}
		all = append(all, evs...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].at.Equal(all[j].at) {
			return all[i].at.Before(all[j].at)
		}
		return all[i].order < all[j].order
	})
	for _, e := range all {
		if err := e.write(w); err != nil {
			return err
		}
	}
	return nil
}

// WriteStream writes one RTP stream alone, e.g. for sipp's play_pcap_audio.
func WriteStream(out io.Writer, s Stream, start time.Time) error {
	w, err := NewWriter(out)
	if err != nil {
		return err
	}
	_, err = s.Write(w, start)
	return err
}
