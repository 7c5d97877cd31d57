package umsim

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/umsys/esl"
)

func start(t *testing.T) *UM {
	t.Helper()
	um, err := NewUM(Config{ContentDir: t.TempDir(), Password: "ClueCon", AMIUser: "li", AMISecret: "s3cret", AMIAuthFailDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { um.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return um
}

// peer is a raw TCP client that reads exact byte counts.
type peer struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

// subscribeESL is an ESL session to addr authenticated with the default
// password and subscribed with "event <format> <names>".
func subscribeESL(t *testing.T, addr, format, names string) *peer {
	t.Helper()
	p := dialPeer(t, addr)
	p.expect("Content-Type: auth/request\n\n")
	p.send("auth ClueCon\n\nevent " + format + " " + names + "\n\n")
	p.expect("Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
	p.expect("Content-Type: command/reply\nReply-Text: +OK event listener enabled " + format + "\n\n")
	return p
}

// dialogue is one scripted client session of a wire test: run talks to a peer
// that has already read the server's greeting.
type dialogue struct {
	name string
	run  func(p *peer)
}

// playDialogues runs each dialogue as a subtest on its own connection to addr,
// after the greeting the server must send first.
func playDialogues(t *testing.T, addr, greeting string, ds []dialogue) {
	t.Helper()
	for _, d := range ds {
		t.Run(d.name, func(t *testing.T) {
			p := dialPeer(t, addr)
			p.expect(greeting)
			d.run(p)
		})
	}
}

func dialPeer(t *testing.T, addr string) *peer {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second)) // hang guard
	return &peer{t: t, c: c, r: bufio.NewReader(c)}
}

func (p *peer) send(s string) {
	p.t.Helper()
	if _, err := p.c.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// expect reads len(want) bytes and compares them exactly.
func (p *peer) expect(want string) {
	p.t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(p.r, got); err != nil {
		p.t.Fatalf("reading %q: %v (got %q)", want, err, got)
	}
	if string(got) != want {
		p.t.Fatalf("got %q, want %q", got, want)
	}
}

func (p *peer) expectEOF() {
	p.t.Helper()
	if b, err := p.r.ReadByte(); err != io.EOF {
		p.t.Fatalf("connection still open (read %q, %v)", b, err)
	}
}

const goodbye = "Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"

func TestESLWireAuth(t *testing.T) {
	um := start(t)
	tests := []dialogue{
		{"wrong password", func(p *peer) {
			p.send("auth wrong\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: -ERR invalid\n\n" + goodbye)
			p.expectEOF()
		}},
		{"commands before auth are ignored; CRLF tolerated", func(p *peer) {
			p.send("api status\n\nevent plain ALL\n\n\r\nauth ClueCon\r\n\r\n")
			p.expect("Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
		}},
		{"event replies and exit", func(p *peer) {
			p.send("auth ClueCon\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
			p.send("event plain\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: -ERR no keywords supplied\n\n")
			p.send("event plain MESSAGE_WAITING CUSTOM vm::maintenance\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
			p.send("filter Event-Subclass vm::maintenance\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: +OK filter added. [Event-Subclass]=[vm::maintenance]\n\n")
			p.send("exit\n\n")
			p.expect("Content-Type: command/reply\nReply-Text: +OK bye\n\n" + goodbye)
			p.expectEOF()
		}},
	}
	playDialogues(t, um.Addrs().ESL, "Content-Type: auth/request\n\n", tests)
}

// TestESLCustomOrderingRule: names after CUSTOM are subclasses, so a client that puts
// MESSAGE_WAITING last never receives it — the pitfall vendor-feeds.md §1.7 warns of.
func TestESLCustomOrderingRule(t *testing.T) {
	um := start(t)
	p := subscribeESL(t, um.Addrs().ESL, "plain", "CUSTOM vm::maintenance MESSAGE_WAITING")
	ctx := context.Background()
	if err := um.WaitSubscribers(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	evs, _, err := um.Script().RenderFS("deposit", um.cfg.ContentDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Subclass == "vm::maintenance" {
			p.expect(string(e.Frame))
		}
	}
	// Nothing else was sent: the next bytes are the reply to exit.
	p.send("exit\n\n")
	p.expect("Content-Type: command/reply\nReply-Text: +OK bye\n\n")
}

func TestESLJSONFormat(t *testing.T) {
	um := start(t)
	p := subscribeESL(t, um.Addrs().ESL, "json", "MESSAGE_WAITING")
	ctx := context.Background()
	if err := um.WaitSubscribers(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	s := esl.NewStream(esl.Limits{})
	var got *esl.Frame
	buf := make([]byte, 4096)
	for got == nil {
		n, err := p.r.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		s.Write(buf[:n], func(f *esl.Frame) error { got = f; return nil })
	}
	if got.ContentType != esl.TypeEventJSON || !strings.Contains(string(got.Body), `"MWI-Message-Account":"1000@um.example.net"`) {
		t.Errorf("json frame %q: %s", got.ContentType, got.Body)
	}
}

func TestAMIWire(t *testing.T) {
	um := start(t)
	tests := []dialogue{
		{"permission denied before login, missing action", func(p *peer) {
			p.send("Action: Ping\r\nActionID: 7\r\n\r\n")
			p.expect("Response: Error\r\nActionID: 7\r\nMessage: Permission denied\r\n\r\n")
			p.send("Foo: bar\n\n")
			p.expect("Response: Error\r\nMessage: Missing action in request\r\n\r\n")
		}},
		{"login failure closes", func(p *peer) {
			p.send("Action: Login\r\nActionID: 1\r\nUsername: li\r\nSecret: bad\r\n\r\n")
			p.expect("Response: Error\r\nActionID: 1\r\nMessage: Authentication failed\r\n\r\n")
			p.expectEOF()
		}},
		{"login, FullyBooted, ping, logoff (bare LF input)", func(p *peer) {
			p.send("Action: Login\nActionID: 1\nUsername: li\nSecret: s3cret\nEvents: call,system\n\n")
			p.expect("Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n")
			p.expect("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 3600\r\nLastReload: 3600\r\nStatus: Fully Booted\r\n\r\n")
			p.send("action: ping\r\nActionID: p1\r\n\r\n")
			p.expect("Response: Success\r\nActionID: p1\r\nPing: Pong\r\nTimestamp: ")
			line, err := p.r.ReadString('\n')
			if err != nil || !strings.HasSuffix(line, "\r\n") || !strings.Contains(line, ".") {
				t.Fatalf("timestamp line %q %v", line, err)
			}
			p.expect("\r\n")
			p.send("Action: Logoff\r\n\r\n")
			p.expect("Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n")
			p.expectEOF()
		}},
		{"events off: no FullyBooted", func(p *peer) {
			p.send("Action: Login\r\nUsername: li\r\nSecret: s3cret\r\nEvents: off\r\n\r\n")
			p.expect("Response: Success\r\nMessage: Authentication accepted\r\n\r\n")
			p.send("Action: Ping\r\n\r\n")
			p.expect("Response: Success\r\nPing: Pong\r\n")
		}},
	}
	playDialogues(t, um.Addrs().AMI, "Asterisk Call Manager/11.0.0\r\n", tests)
}

func TestPlayUnknownScenario(t *testing.T) {
	um := start(t)
	if err := um.Play(context.Background(), "no-such"); err == nil || !strings.Contains(err.Error(), "no-such") {
		t.Fatalf("err %v", err)
	}
}

func TestScenarioFileRules(t *testing.T) {
	s, err := LoadScript()
	if err != nil {
		t.Fatal(err)
	}
	if s.Target.Mailbox != "1000" || s.Target.Domain != "um.example.net" || s.Target.MSISDN != "+4917012345678" {
		t.Errorf("target %+v", s.Target)
	}
	uuids := map[string]bool{}
	for _, sc := range s.FreeSWITCH.Scenarios {
		if uuids[sc.Call.UUID] {
			t.Errorf("%s reuses call UUID %s", sc.Name, sc.Call.UUID)
		}
		uuids[sc.Call.UUID] = true
		evs, _, err := s.RenderFS(sc.Name, "/c")
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			for _, h := range e.Headers {
				if strings.Contains(h.Value, "{") && !strings.HasPrefix(h.Value, "tone_stream") {
					t.Errorf("%s event %d: unexpanded placeholder in %s=%q", sc.Name, i, h.Name, h.Value)
				}
			}
		}
	}
	for _, bad := range []string{"freeswitch: {scenarios: [{name: a}, {name: a}]}", "nonsense: 1"} {
		if _, err := ParseScript([]byte(bad)); err == nil {
			t.Errorf("ParseScript(%q) accepted", bad)
		}
	}
}

func TestESLHeartbeat(t *testing.T) {
	um, err := NewUM(Config{ContentDir: t.TempDir(), Heartbeat: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { um.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	p := subscribeESL(t, um.Addrs().ESL, "plain", "HEARTBEAT")
	s := esl.NewStream(esl.Limits{})
	var seqs []string
	buf := make([]byte, 4096)
	for len(seqs) < 2 {
		n, err := p.r.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		s.Write(buf[:n], func(f *esl.Frame) error {
			ev, err := esl.EventFromFrame(f, "t", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if ev.Value("Event-Name") != "HEARTBEAT" || ev.Value("FreeSWITCH-IPv6") != "::1" {
				t.Fatalf("event %q", ev.HeaderList())
			}
			seqs = append(seqs, ev.Value("Event-Sequence"))
			return nil
		})
	}
	if seqs[0] == seqs[1] {
		t.Errorf("Event-Sequence not increasing: %v", seqs)
	}
}
