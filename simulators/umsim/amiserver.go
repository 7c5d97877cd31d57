package umsim

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// amiClasses are Asterisk's event classes (manager.h perms table, without "all").
var amiClasses = []string{"system", "call", "log", "verbose", "command", "agent", "user", "config", "dtmf", "reporting", "cdr", "dialplan", "originate", "agi", "cc", "aoc", "test", "security", "message"}

type amiSession struct {
	feedConn

	mu     sync.Mutex
	authed bool
	mask   map[string]bool
}

func (s *amiSession) loggedIn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authed && len(s.mask) > 0
}

// wants: delivery requires the session mask to contain every class of the event.
func (s *amiSession) wants(ev AMIEventOut) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.authed {
		return false
	}
	for _, c := range ev.Classes {
		if !s.mask[c] {
			return false
		}
	}
	return true
}

// amiMessage is one client packet; header lookup is case-insensitive as in
// __astman_get_header.
type amiMessage [][2]string

func (m amiMessage) get(name string) string {
	for _, h := range m {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// readAMIMessage reads lines ending in \r\n or \n up to an empty line.
func readAMIMessage(r *bufio.Reader) (amiMessage, error) {
	var m amiMessage
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if len(m) == 0 {
				continue
			}
			return m, nil
		}
		if len(line) > 1024 {
			return nil, fmt.Errorf("line longer than 1024 bytes")
		}
		n, v, _ := strings.Cut(line, ":")
		m = append(m, [2]string{strings.TrimSpace(n), strings.TrimLeft(v, " \t")})
	}
}

func amiResponse(kind, actionID, msg string) []byte {
	var b strings.Builder
	b.WriteString("Response: " + kind + "\r\n")
	if actionID != "" {
		b.WriteString("ActionID: " + actionID + "\r\n")
	}
	b.WriteString("Message: " + msg + "\r\n\r\n")
	return []byte(b.String())
}

func (u *UM) serveAMI(ctx context.Context, c net.Conn) {
	s := &amiSession{feedConn: feedConn{conn: c}}
	defer track(u, u.ami, s)()
	version := u.script.Asterisk.Version
	if version == "" {
		version = "11.0.0"
	}
	if err := s.write([]byte("Asterisk Call Manager/"+version+"\r\n"), 0); err != nil {
		return
	}
	r := bufio.NewReader(c)
	for {
		m, err := readAMIMessage(r)
		if err != nil {
			return
		}
		if done := u.amiAction(ctx, s, m); done {
			return
		}
	}
}

// amiAction answers one action; true ends the session.
func (u *UM) amiAction(ctx context.Context, s *amiSession, m amiMessage) bool {
	action := m.get("Action")
	id := m.get("ActionID")
	s.mu.Lock()
	authed := s.authed
	s.mu.Unlock()
	switch {
	case action == "":
		s.write(amiResponse("Error", id, "Missing action in request"), 0)
		return false
	case strings.EqualFold(action, "Login"):
		if m.get("Username") != u.cfg.AMIUser || m.get("Secret") != u.cfg.AMISecret {
			t := time.NewTimer(u.cfg.AMIAuthFailDelay)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
			s.write(amiResponse("Error", id, "Authentication failed"), 0)
			return true
		}
		mask := eventMask(m.get("Events"), m.get("Events") != "")
		s.mu.Lock()
		s.authed, s.mask = true, mask
		s.mu.Unlock()
		s.write(amiResponse("Success", id, "Authentication accepted"), 0)
		if mask["system"] {
			s.write([]byte("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 3600\r\nLastReload: 3600\r\nStatus: Fully Booted\r\n\r\n"), 0)
		}
		u.mu.Lock()
		u.notify()
		u.mu.Unlock()
		return false
	case !authed:
		s.write(amiResponse("Error", id, "Permission denied"), 0)
		return false
	case strings.EqualFold(action, "Ping"):
		u.mu.Lock()
		muted := u.amiMuted
		u.mu.Unlock()
		if muted {
			return false
		}
		now := time.Now()
		idText := ""
		if id != "" {
			idText = "ActionID: " + id + "\r\n"
		}
		s.write(fmt.Appendf(nil, "Response: Success\r\n%sPing: Pong\r\nTimestamp: %d.%06d\r\n\r\n", idText, now.Unix(), now.Nanosecond()/1000), 0)
	case strings.EqualFold(action, "Logoff"):
		s.write(amiResponse("Goodbye", id, "Thanks for all the fish."), 0)
		return true
	case strings.EqualFold(action, "Events"):
		mask := eventMask(m.get("EventMask"), true)
		s.mu.Lock()
		s.mask = mask
		s.mu.Unlock()
		state := "Off"
		if len(mask) > 0 {
			state = "On"
		}
		s.write([]byte("Response: Success\r\n"+map[bool]string{true: "ActionID: " + id + "\r\n", false: ""}[id != ""]+"Events: "+state+"\r\n\r\n"), 0)
	default:
		s.write(amiResponse("Error", id, "Invalid/unknown command: "+action+". Use Action: ListCommands to show available commands."), 0)
	}
	return false
}

// eventMask parses Events: on|off|class,list (absent: all classes).
func eventMask(v string, present bool) map[string]bool {
	mask := map[string]bool{}
	v = strings.TrimSpace(strings.ToLower(v))
	if !present || v == "on" || v == "yes" || v == "true" || v == "all" {
		for _, c := range amiClasses {
			mask[c] = true
		}
		return mask
	}
	if v == "off" || v == "no" || v == "false" {
		return mask
	}
	for _, c := range strings.Split(v, ",") {
		c = strings.TrimSpace(c)
		if c == "all" {
			return eventMask("", false)
		}
		mask[c] = true
	}
	return mask
}

func (u *UM) playAMI(ctx context.Context, evs []AMIEventOut) error {
	return play(ctx, sessionsOf(u, u.ami), evs, u.cfg.WriteChunk, func(s *amiSession, ev AMIEventOut) ([]byte, bool) {
		return ev.Block, s.wants(ev)
	})
}

// MuteAMIPings makes the AMI server stop (or resume) answering Ping, to exercise a
// client's keep-alive timeout against a hung Asterisk.
func (u *UM) MuteAMIPings(muted bool) {
	u.mu.Lock()
	u.amiMuted = muted
	u.mu.Unlock()
}
