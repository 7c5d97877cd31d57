package demo

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/umli/umli/simulators/sipsim"
)

// SIPPlatformUUID is the FreeSWITCH call UUID of the recorded deposit: the SIPREC
// metadata carries it, and with the same Source as the ESL feed it is the
// CorrelationKey that puts the call's media under that platform's CIN.
const SIPPlatformUUID = "3f1c2a10-00ff-4d2e-9a01-0000000000ff"

// SIPRecording is the SIP scenario: umli's SIPREC recording endpoint (rtpcapture/siprec),
// built by the pipeline from an rtp.siprec section, on loopback UDP with the FreeSWITCH
// platform's Source, and the sipsim SIP parties: a
// caller deposits a message into the target's box while the platform's SIPREC client
// forks both directions to the endpoint. The forked RTP becomes MessagingCC (audio/PCMU,
// one stream per direction) under a connect IRI of its own call.
func SIPRecording() Scenario {
	return Scenario{Name: "SIPREC recording endpoint: a caller deposits into the target's box (sipsim, RTP forked)", Run: runSIP}
}

func runSIP(ctx context.Context, env Env) error {
	log := env.Log.With().Str("component", "siprec").Logger()
	// umli's recording endpoint comes from an rtp.siprec section, as an operator
	// writes it, on a loopback UDP port nothing listens on yet.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("pick a UDP port: %w", err)
	}
	srs := pc.LocalAddr().String()
	_ = pc.Close()
	section := fmt.Sprintf("rtp:\n  siprec: {listen: %q, transport: udp, source: %s, mediaAddr: 127.0.0.1}\n", srs, FreeSWITCHSource)
	sink, stopSources, err := env.startCounted(ctx, "SIPREC", section)
	if err != nil {
		return err
	}
	defer stopSources()
	_, err = sipsim.Deposit(ctx, sipsim.Config{SRS: srs, Transport: "udp",
		Box: "sip:" + TargetBox, Caller: "sip:" + CallerMSISDN + "@carrier.example",
		PlatformUUID: SIPPlatformUUID, Duration: time.Second, Log: log.With().Str("sim", "sipsim").Logger()})
	if err != nil {
		return fmt.Errorf("SIP deposit: %w", err)
	}
	// Each direction ends once per candidate party (the box owner and the caller).
	return sink.waitEnded(ctx, FreeSWITCHSource, 4)
}
