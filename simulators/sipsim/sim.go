package sipsim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/slogzero"
	"github.com/umli/umli/rtpcapture/sdpinfo"
)

type mode int

const (
	deposit mode = iota + 1
	retrieve
)

// Deposit simulates a caller whose call to the box owner is forwarded to voicemail
// (Diversion) and who leaves a message; the UM system plays its prompt. The SRC forks
// both directions to the recording endpoint.
func Deposit(ctx context.Context, cfg Config) (*Result, error) {
	return run(ctx, cfg, deposit)
}

// Retrieve simulates the box owner calling the voicemail pilot, speaking briefly and
// pressing cfg.Keys while the UM system plays a message. The SRC forks both directions.
func Retrieve(ctx context.Context, cfg Config) (*Result, error) {
	return run(ctx, cfg, retrieve)
}

// party is one sipgo user agent with its client.
type party struct {
	ua  *sipgo.UserAgent
	cli *sipgo.Client
}

// newParty builds a user agent whose sipgo logging goes to log (warnings and errors,
// attributes that could carry SIP content dropped).
func newParty(name string, ip netip.Addr, log zerolog.Logger) (*party, error) {
	quiet := slogzero.New(log.With().Str("component", "sipgo").Str("party", name).Logger(), slog.LevelWarn, nil)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(name), sipgo.WithUserAgentHostname(ip.String()),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		return nil, fmt.Errorf("sipsim: %s: %w", name, err)
	}
	cli, err := sipgo.NewClient(ua, sipgo.WithClientLogger(quiet), sipgo.WithClientHostname(ip.String()))
	if err != nil {
		_ = ua.Close()
		return nil, fmt.Errorf("sipsim: %s client: %w", name, err)
	}
	return &party{ua: ua, cli: cli}, nil
}

func (p *party) close() {
	_ = p.cli.Close()
	_ = p.ua.Close()
}

func mustURI(s string) (sip.Uri, error) {
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return u, fmt.Errorf("sipsim: uri %q: %w", s, err)
	}
	return u, nil
}

// recording is the SRC's recording session towards the SRS.
type recording struct {
	dlg              *sipgo.DialogClientSession
	callerTo, umTo   netip.AddrPort
	callerFork, umFk *net.UDPConn
}

func (r *recording) close() {
	_ = r.callerFork.Close()
	_ = r.umFk.Close()
}

// record opens the SIPREC session: INVITE with two sendonly streams and rs-metadata.
func record(ctx context.Context, cfg *Config, m mode, src *party, callerAOR, umAOR string) (*recording, error) {
	srsHost, srsPortS, err := net.SplitHostPort(cfg.SRS)
	if err != nil {
		return nil, fmt.Errorf("sipsim: SRS address %q: %w", cfg.SRS, err)
	}
	srsPort, err := strconv.Atoi(srsPortS)
	if err != nil {
		return nil, fmt.Errorf("sipsim: SRS port %q: %w", srsPortS, err)
	}
	callerFork, _, err := listenUDP(cfg.LocalIP)
	if err != nil {
		return nil, err
	}
	umFork, _, err := listenUDP(cfg.LocalIP)
	if err != nil {
		_ = callerFork.Close()
		return nil, err
	}
	rec := &recording{callerFork: callerFork, umFk: umFork}
	srsURI := sip.Uri{Scheme: "sip", User: "srs", Host: srsHost, Port: srsPort}
	req := sip.NewRequest(sip.INVITE, srsURI)
	req.SetTransport(map[string]string{"udp": "UDP", "tcp": "TCP"}[cfg.Transport])
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "src", Host: cfg.LocalIP.String()}, Params: sip.NewParams()}
	from.Params.Add("tag", uuid.NewString()[:8])
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "srs", Host: srsHost}, Params: sip.NewParams()})
	req.AppendHeader(sip.NewHeader("Require", "siprec"))
	req.AppendHeader(sip.NewHeader("Session-Expires", "1800"))
	req.AppendHeader(sip.NewHeader("X-FS-UUID", cfg.PlatformUUID))
	modeHint := "deposit"
	if m == retrieve {
		modeHint = "retrieve"
	}
	req.AppendHeader(sip.NewHeader("X-UM-Mode", modeHint))
	req.AppendHeader(sip.NewHeader("Content-Type", "multipart/mixed;boundary="+boundary))
	req.SetBody([]byte(siprecBody(cfg.LocalIP, callerAOR, umAOR)))
	contactParams := sip.NewParams()
	contactParams.Add("+sip.src", "")
	dua := sipgo.DialogUA{Client: src.cli, ContactHDR: sip.ContactHeader{
		Address: sip.Uri{Scheme: "sip", User: "src", Host: cfg.LocalIP.String()}, Params: contactParams}}
	dlg, err := dua.WriteInvite(ctx, req)
	if err != nil {
		rec.close()
		return nil, fmt.Errorf("sipsim: SIPREC INVITE: %w", err)
	}
	if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		rec.close()
		_ = dlg.Close()
		return nil, fmt.Errorf("sipsim: SRS did not answer: %w", err)
	}
	rec.dlg = dlg
	if err := dlg.Ack(ctx); err != nil {
		rec.close()
		return nil, fmt.Errorf("sipsim: ACK to SRS: %w", err)
	}
	ans, err := sdpinfo.ParseSDP(dlg.InviteResponse.Body())
	if err != nil {
		rec.close()
		return nil, fmt.Errorf("sipsim: SRS answer: %w", err)
	}
	for _, s := range ans.Streams {
		switch s.Label {
		case "1":
			rec.callerTo = netip.AddrPortFrom(s.Addr, s.Port)
		case "2":
			rec.umTo = netip.AddrPortFrom(s.Addr, s.Port)
		}
	}
	if rec.callerTo.Port() == 0 || rec.umTo.Port() == 0 {
		rec.close()
		return nil, errors.New("sipsim: SRS answer lacks stream 1 or 2")
	}
	return rec, nil
}

func run(ctx context.Context, cfg Config, m mode) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	ip := cfg.LocalIP
	res := &Result{PlatformUUID: cfg.PlatformUUID}
	callerAOR, umAOR := cfg.Caller, cfg.Box
	if m == retrieve {
		callerAOR, umAOR = cfg.Box, cfg.Pilot
		res.Keys = cfg.Keys
	}

	um, err := newParty("sipsim-um", ip, cfg.Log)
	if err != nil {
		return nil, err
	}
	defer um.close()
	src, err := newParty("sipsim-src", ip, cfg.Log)
	if err != nil {
		return nil, err
	}
	defer src.close()
	caller, err := newParty("sipsim-caller", ip, cfg.Log)
	if err != nil {
		return nil, err
	}
	defer caller.close()

	umSrv, err := sipgo.NewServer(um.ua, sipgo.WithServerLogger(slogzero.New(cfg.Log.With().Str("component", "sipgo").Logger(), slog.LevelWarn, nil)))
	if err != nil {
		return nil, fmt.Errorf("sipsim: UM server: %w", err)
	}
	umConn, err := net.ListenPacket("udp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		return nil, fmt.Errorf("sipsim: UM SIP socket: %w", err)
	}
	umSIP := umConn.LocalAddr().(*net.UDPAddr).AddrPort()
	defer umConn.Close()

	callerRTP, callerMedia, err := listenUDP(ip)
	if err != nil {
		return nil, err
	}
	defer callerRTP.Close()
	umRTP, umMedia, err := listenUDP(ip)
	if err != nil {
		return nil, err
	}
	defer umRTP.Close()

	umDialogs := sipgo.NewDialogServerCache(um.cli, sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "um", Host: ip.String(), Port: int(umSIP.Port())}})
	type answered struct {
		rec *recording
		err error
	}
	answeredCh := make(chan answered, 1)
	finished := make(chan error, 1)
	umSrv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { _ = umDialogs.ReadAck(req, tx) })
	umSrv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) { _ = umDialogs.ReadBye(req, tx) })
	var once sync.Once
	umSrv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		first := false
		once.Do(func() { first = true })
		if !first {
			_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBusyHere, "Busy Here", nil))
			return
		}
		dlg, err := umDialogs.ReadInvite(req, tx)
		if err != nil {
			answeredCh <- answered{err: err}
			return
		}
		defer dlg.Close()
		// Recording starts before the call is answered, so no media escapes the fork.
		rec, err := record(ctx, &cfg, m, src, callerAOR, umAOR)
		if err != nil {
			_ = dlg.Respond(sip.StatusServiceUnavailable, "Recording Unavailable", nil)
			answeredCh <- answered{err: err}
			return
		}
		answeredCh <- answered{rec: rec}
		if err := dlg.RespondSDP([]byte(plainSDP(umMedia, "sendrecv"))); err != nil {
			finished <- fmt.Errorf("sipsim: UM answer: %w", err)
			return
		}
		<-dlg.Context().Done()
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = rec.dlg.Bye(bctx)
		_ = rec.dlg.Close()
		rec.close()
		finished <- err
	})

	// Serve only once the handlers are in place.
	go func() { _ = umSrv.ServeUDP(umConn) }()

	// The caller's INVITE to the UM system.
	toAOR := cfg.Box
	if m == retrieve {
		toAOR = cfg.Pilot
	}
	pilotURI, err := mustURI(cfg.Pilot)
	if err != nil {
		return nil, err
	}
	fromURI, err := mustURI(callerAOR)
	if err != nil {
		return nil, err
	}
	toURI, err := mustURI(toAOR)
	if err != nil {
		return nil, err
	}
	req := sip.NewRequest(sip.INVITE, pilotURI)
	req.SetDestination(umSIP.String())
	from := &sip.FromHeader{Address: fromURI, Params: sip.NewParams()}
	from.Params.Add("tag", uuid.NewString()[:8])
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: toURI, Params: sip.NewParams()})
	if m == deposit {
		req.AppendHeader(sip.NewHeader("Diversion", "<"+cfg.Box+">;reason=no-answer"))
	}
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody([]byte(plainSDP(callerMedia, "sendrecv")))
	cdua := sipgo.DialogUA{Client: caller.cli, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "caller", Host: ip.String()}}}
	dlg, err := cdua.WriteInvite(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("sipsim: caller INVITE: %w", err)
	}
	defer dlg.Close()
	if h := req.CallID(); h != nil {
		res.CallID = h.Value()
	}
	var rec *recording
	select {
	case a := <-answeredCh:
		if a.err != nil {
			return nil, a.err
		}
		rec = a.rec
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{}); err != nil {
		return nil, fmt.Errorf("sipsim: UM did not answer: %w", err)
	}
	if err := dlg.Ack(ctx); err != nil {
		return nil, fmt.Errorf("sipsim: caller ACK: %w", err)
	}

	// Media: the caller speaks (and presses keys), the UM system plays its tone; the
	// UM side forks both to the recording endpoint.
	relayed := make(chan struct{})
	go relay(umRTP, rec.callerFork, rec.callerTo, relayed)
	go drain(callerRTP)
	packets := int(cfg.Duration / ptime)
	callerS := &sender{conn: callerRTP, dst: umMedia, ssrc: 0xca11e4, seq: 1000, ts: 0}
	umS := &sender{conn: umRTP, dst: callerMedia, fork: rec.umFk, forkDst: rec.umTo, ssrc: 0x0f00d, seq: 7, ts: 80000}
	var wg sync.WaitGroup
	var callerErr, umErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		n := packets
		if m == retrieve {
			n = max(packets/4, 1)
		}
		if callerErr = callerS.tone(ctx, cfg.CallerHz, n); callerErr == nil && m == retrieve {
			callerErr = callerS.keys(ctx, cfg.Keys)
		}
	}()
	go func() {
		defer wg.Done()
		umErr = umS.tone(ctx, cfg.UMHz, packets)
	}()
	wg.Wait()
	if err := errors.Join(callerErr, umErr); err != nil {
		return nil, err
	}
	res.CallerAudio, res.UMAudio = callerS.sentAudio, umS.sentAudio

	// Let the last packets cross the relay before hanging up.
	select {
	case <-time.After(100 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := dlg.Bye(ctx); err != nil {
		return nil, fmt.Errorf("sipsim: caller BYE: %w", err)
	}
	select {
	case err := <-finished:
		if err != nil {
			return nil, fmt.Errorf("sipsim: ending the recording: %w", err)
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return res, nil
}
