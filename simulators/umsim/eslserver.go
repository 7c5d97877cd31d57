package umsim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/umli/umli/umsys/esl"
)

// Exact mod_event_socket texts (vendor-feeds.md §1.7).
const (
	eslGreeting   = "Content-Type: auth/request\n\n"
	eslGoodbye    = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
	eslAuthWindow = 25 * time.Second
	eslMaxBody    = 16 << 20
)

func eslReply(text string) []byte {
	return []byte("Content-Type: command/reply\nReply-Text: " + text + "\n\n")
}

func eslNotice(body string) []byte {
	return []byte("Content-Type: text/disconnect-notice\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body)
}

type eslSession struct {
	feedConn

	mu         sync.Mutex
	authed     bool
	format     string // plain or json
	all        bool
	events     map[string]bool
	subclasses map[string]bool
}

func (s *eslSession) subscribed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed && (s.all || len(s.events) > 0)
}

// wants applies mod_event_socket's delivery rule: ALL, or the event type, and for
// CUSTOM events also the subclass.
func (s *eslSession) wants(ev FSEventOut) (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authed {
		return false, ""
	}
	if s.all {
		return true, s.format
	}
	if !s.events[ev.Event] {
		return false, ""
	}
	if ev.Event == "CUSTOM" && ev.Subclass != "" && !s.subclasses[ev.Subclass] {
		return false, ""
	}
	return true, s.format
}

func (u *UM) serveESL(ctx context.Context, c net.Conn) {
	s := &eslSession{feedConn: feedConn{conn: c}, format: "plain", events: map[string]bool{}, subclasses: map[string]bool{}}
	defer track(u, u.esl, s)()
	log := u.cfg.Logger.With().Str("peer", c.RemoteAddr().String()).Logger()
	if err := s.write([]byte(eslGreeting), 0); err != nil {
		return
	}
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(eslAuthWindow))
	for {
		cmd, err := readESLCommand(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				log.Debug().Err(err).Msg("umsim esl: session ended")
			}
			return
		}
		if done := u.eslCommand(s, cmd); done {
			return
		}
	}
}

// readESLCommand reads one command block as read_packet does: leading newlines
// skipped, lines up to an empty line, \r ignored; a Content-Length header is followed
// by that many body bytes (read and dropped).
func readESLCommand(r *bufio.Reader) (string, error) {
	var first string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if i := strings.IndexByte(line, '\r'); i >= 0 {
			line = line[:i]
		}
		if line == "" {
			if first == "" {
				continue
			}
			return first, nil
		}
		if first == "" {
			first = line
			continue
		}
		if n, v, ok := strings.Cut(line, ":"); ok && n == "Content-Length" {
			l, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || l < 0 || l > eslMaxBody {
				return "", fmt.Errorf("bad Content-Length %q", v)
			}
			defer func() { io.CopyN(io.Discard, r, int64(l)) }()
		}
	}
}

// eslCommand answers one command; true ends the session.
func (u *UM) eslCommand(s *eslSession, cmd string) bool {
	verb, args, _ := strings.Cut(cmd, " ")
	s.mu.Lock()
	authed := s.authed
	s.mu.Unlock()
	if !authed {
		if verb != "auth" {
			return false // ignored before auth, as mod_event_socket does
		}
		if args != u.cfg.Password {
			s.write(eslReply("-ERR invalid"), 0)
			s.write(eslNotice(eslGoodbye), 0)
			return true
		}
		s.mu.Lock()
		s.authed = true
		s.mu.Unlock()
		s.conn.SetReadDeadline(time.Time{})
		s.write(eslReply("+OK accepted"), 0)
		return false
	}
	switch verb {
	case "event":
		u.eslEvent(s, strings.Fields(args))
	case "nixevent":
		s.mu.Lock()
		for _, n := range strings.Fields(args) {
			delete(s.events, n)
			delete(s.subclasses, n)
		}
		s.mu.Unlock()
		s.write(eslReply("+OK events nixed"), 0)
	case "noevents":
		s.mu.Lock()
		s.all, s.events, s.subclasses = false, map[string]bool{}, map[string]bool{}
		s.mu.Unlock()
		s.write(eslReply("+OK no longer listening for events"), 0)
	case "filter":
		h, v, _ := strings.Cut(args, " ")
		s.write(eslReply("+OK filter added. ["+h+"]=["+v+"]"), 0)
	case "api":
		body := "-ERR " + args + " Command not found!\n"
		s.write([]byte("Content-Type: api/response\nContent-Length: "+strconv.Itoa(len(body))+"\n\n"+body), 0)
	case "exit":
		s.write(eslReply("+OK bye"), 0)
		s.write(eslNotice(eslGoodbye), 0)
		return true
	default:
		s.write(eslReply("-ERR command not found"), 0)
	}
	return false
}

// eslEvent implements `event <format> names…` with the CUSTOM rule: after the token
// CUSTOM every token is a subclass.
func (u *UM) eslEvent(s *eslSession, tok []string) {
	if len(tok) == 0 {
		s.write(eslReply("-ERR no keywords supplied"), 0)
		return
	}
	format := tok[0]
	if format != "plain" && format != "json" {
		s.write(eslReply("-ERR simulator serves plain and json only"), 0)
		return
	}
	if len(tok) == 1 {
		s.write(eslReply("-ERR no keywords supplied"), 0)
		return
	}
	s.mu.Lock()
	s.format = format
	custom := false
	for _, t := range tok[1:] {
		switch {
		case custom:
			s.subclasses[t] = true
		case t == "ALL":
			s.all = true
		case t == "CUSTOM":
			custom = true
			s.events[t] = true
		default:
			s.events[t] = true
		}
	}
	s.mu.Unlock()
	u.mu.Lock()
	u.notify()
	u.mu.Unlock()
	s.write(eslReply("+OK event listener enabled "+format), 0)
}

func (u *UM) playESL(ctx context.Context, evs []FSEventOut) error {
	return play(ctx, sessionsOf(u, u.esl), evs, u.cfg.WriteChunk, func(s *eslSession, ev FSEventOut) ([]byte, bool) {
		ok, format := s.wants(ev)
		if ok && format == "json" {
			return esl.AppendFrame(nil, esl.TypeEventJSON, eventJSON(ev)), true
		}
		return ev.Frame, ok
	})
}

// eventJSON is switch_event_serialize_json_obj: header name to string, not encoded.
func eventJSON(ev FSEventOut) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, h := range ev.Headers {
		if i > 0 {
			b.WriteByte(',')
		}
		enc.Encode(h.Name)
		b.WriteByte(':')
		enc.Encode(h.Value)
	}
	b.WriteByte('}')
	// json.Encoder terminates every value with a newline; cJSON does not.
	return []byte(strings.ReplaceAll(b.String(), "\n", ""))
}

// DisconnectESL sends every ESL session the default disconnect notice and closes it,
// as FreeSWITCH does when the listener is killed (e.g. on shutdown).
func (u *UM) DisconnectESL() {
	for _, s := range sessionsOf(u, u.esl) {
		s.write(eslNotice("Disconnected.\n"), 0)
		s.conn.Close()
	}
}
