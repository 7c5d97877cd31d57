package umsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Config configures a simulated UM platform.
type Config struct {
	// ESLAddr and AMIAddr are listen addresses (default 127.0.0.1:0, a free port).
	ESLAddr, AMIAddr string
	// Password is the event-socket password (default ClueCon, FreeSWITCH's default).
	Password string
	// AMIUser and AMISecret are the manager credentials (defaults umli / Password).
	AMIUser, AMISecret string
	// ContentDir receives message and greeting audio; events name files under it
	// (FreeSWITCH storage directly, the Asterisk spool under ContentDir/asterisk).
	ContentDir string
	// Script holds the scenarios (nil: the embedded scenarios.yaml).
	Script *Script
	// AMITLS, when set, serves the manager over TLS (Asterisk's manager.conf tlsenable).
	AMITLS *tls.Config
	// AMIAuthFailDelay is the pause before a failed Login answer (Asterisk sleeps 1 s).
	AMIAuthFailDelay time.Duration
	// WriteChunk shapes how events reach the socket: 0 one write per frame, n > 0
	// writes of at most n bytes (fragmentation), -1 a whole scenario in one write
	// (joined frames).
	WriteChunk int
	// Heartbeat, if set, sends HEARTBEAT events at this interval to ESL sessions
	// subscribed to them (FreeSWITCH: every 20 s).
	Heartbeat time.Duration
	// Logger receives session logs (no passwords).
	Logger zerolog.Logger
}

// Addrs are the bound listen addresses.
type Addrs struct{ ESL, AMI string }

// UM is a running simulated platform: one ESL and one AMI server.
type UM struct {
	cfg    Config
	script *Script
	eslLn  net.Listener
	amiLn  net.Listener

	mu       sync.Mutex
	esl      map[*eslSession]struct{}
	ami      map[*amiSession]struct{}
	changed  chan struct{} // closed and replaced whenever sessions change
	amiMuted bool          // Ping is left unanswered (keep-alive fault injection)
}

// NewUM binds both listeners; Run serves them.
func NewUM(cfg Config) (*UM, error) {
	if cfg.ContentDir == "" {
		return nil, errors.New("umsim: ContentDir is empty")
	}
	if cfg.ESLAddr == "" {
		cfg.ESLAddr = "127.0.0.1:0"
	}
	if cfg.AMIAddr == "" {
		cfg.AMIAddr = "127.0.0.1:0"
	}
	if cfg.Password == "" {
		cfg.Password = "ClueCon"
	}
	if cfg.AMIUser == "" {
		cfg.AMIUser = "umli"
	}
	if cfg.AMISecret == "" {
		cfg.AMISecret = cfg.Password
	}
	if cfg.AMIAuthFailDelay < 0 {
		cfg.AMIAuthFailDelay = 0
	}
	script := cfg.Script
	if script == nil {
		var err error
		if script, err = LoadScript(); err != nil {
			return nil, err
		}
	}
	u := &UM{cfg: cfg, script: script, esl: map[*eslSession]struct{}{}, ami: map[*amiSession]struct{}{}, changed: make(chan struct{})}
	var err error
	if u.eslLn, err = net.Listen("tcp", cfg.ESLAddr); err != nil {
		return nil, fmt.Errorf("umsim: listen esl %s: %w", cfg.ESLAddr, err)
	}
	if u.amiLn, err = net.Listen("tcp", cfg.AMIAddr); err != nil {
		u.eslLn.Close()
		return nil, fmt.Errorf("umsim: listen ami %s: %w", cfg.AMIAddr, err)
	}
	if cfg.AMITLS != nil {
		u.amiLn = tls.NewListener(u.amiLn, cfg.AMITLS)
	}
	return u, nil
}

// Addrs returns where the servers listen.
func (u *UM) Addrs() Addrs {
	return Addrs{ESL: u.eslLn.Addr().String(), AMI: u.amiLn.Addr().String()}
}

// AMISpool is the simulated Asterisk's astspooldir: ContentDir/asterisk, so messages
// are stored under ContentDir/asterisk/voicemail/<context>/<mailbox>/INBOX.
func (u *UM) AMISpool() string { return filepath.Join(u.cfg.ContentDir, "asterisk") }

// Script returns the scenarios the platform plays.
func (u *UM) Script() *Script { return u.script }

// Scenarios lists playable scenario names (FreeSWITCH and Asterisk, deduplicated).
func (u *UM) Scenarios() []string {
	var names []string
	for _, s := range u.script.FreeSWITCH.Scenarios {
		names = append(names, s.Name)
	}
	for _, s := range u.script.Asterisk.Scenarios {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	return names
}

// Run serves both listeners until ctx ends, then closes every session.
func (u *UM) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	stop := context.AfterFunc(ctx, func() {
		u.eslLn.Close()
		u.amiLn.Close()
	})
	defer stop()
	wg.Add(2)
	if u.cfg.Heartbeat > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); u.heartbeats(ctx, u.cfg.Heartbeat) }()
	}
	go func() { defer wg.Done(); u.accept(ctx, u.eslLn, u.serveESL) }()
	go func() { defer wg.Done(); u.accept(ctx, u.amiLn, u.serveAMI) }()
	wg.Wait()
	u.mu.Lock()
	for s := range u.esl {
		s.conn.Close()
	}
	for s := range u.ami {
		s.conn.Close()
	}
	u.mu.Unlock()
	return nil
}

func (u *UM) accept(ctx context.Context, ln net.Listener, serve func(context.Context, net.Conn)) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				u.cfg.Logger.Error().Err(err).Msg("umsim: accept")
			}
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			stop := context.AfterFunc(ctx, func() { c.Close() })
			defer stop()
			serve(ctx, c)
		}()
	}
}

// notify wakes WaitSubscribers; call with u.mu held.
func (u *UM) notify() {
	close(u.changed)
	u.changed = make(chan struct{})
}

// WaitSubscribers blocks until at least esl ESL sessions are authenticated and
// subscribed and ami AMI sessions are logged in with events on, or ctx ends.
func (u *UM) WaitSubscribers(ctx context.Context, esl, ami int) error {
	for {
		u.mu.Lock()
		ne, na := 0, 0
		for s := range u.esl {
			if s.subscribed() {
				ne++
			}
		}
		for s := range u.ami {
			if s.loggedIn() {
				na++
			}
		}
		ch := u.changed
		u.mu.Unlock()
		if ne >= esl && na >= ami {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("umsim: waiting for %d esl / %d ami subscribers (have %d / %d): %w", esl, ami, ne, na, ctx.Err())
		case <-ch:
		}
	}
}

// Play plays one scenario (or "all", every scenario in file order) to the clients
// subscribed now: the FreeSWITCH transcript to ESL sessions, the Asterisk one to AMI
// sessions. Audio files are written before the first event. It returns once every
// event has been written to every socket.
func (u *UM) Play(ctx context.Context, name string) error {
	if name == "all" {
		for _, n := range u.Scenarios() {
			if err := u.Play(ctx, n); err != nil {
				return err
			}
		}
		return nil
	}
	_, _, fsOK := u.script.FSScenario(name)
	_, amiOK := u.script.AMIScenario(name)
	if !fsOK && !amiOK {
		return fmt.Errorf("umsim: no scenario %q", name)
	}
	if fsOK {
		evs, files, err := u.script.RenderFS(name, u.cfg.ContentDir)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := WriteAudio(f); err != nil {
				return err
			}
		}
		if err := u.playESL(ctx, evs); err != nil {
			return err
		}
	}
	if amiOK {
		evs, files, err := u.script.RenderAMIIn(name, u.AMISpool())
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := WriteAudio(f); err != nil {
				return err
			}
		}
		if err := u.playAMI(ctx, evs); err != nil {
			return err
		}
	}
	return nil
}

// writeShaped writes b honouring WriteChunk's fragmentation.
func writeShaped(c net.Conn, b []byte, chunk int) error {
	if err := c.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	if chunk <= 0 {
		_, err := c.Write(b)
		return err
	}
	for len(b) > 0 {
		n := min(chunk, len(b))
		if _, err := c.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
