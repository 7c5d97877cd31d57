package loadgen

import (
	"context"
	"fmt"

	"github.com/umli/umli/simulators/sipsim"
)

// sipDriver places one SIPREC deposit call per session (simulators/sipsim): the caller
// leaves a message of SIPMedia, both directions forked to umli as G.711 at 50 packets/s.
type sipDriver struct{ cfg *Config }

func (d *sipDriver) session(ctx context.Context, i int, target bool) (int, error) {
	c := sipsim.Config{SRS: d.cfg.SIPREC, Transport: d.cfg.SIPTransport, Duration: d.cfg.SIPMedia,
		Caller: d.cfg.TargetCaller, Box: "sip:8800@boxes.load.example",
		PlatformUUID: fmt.Sprintf("%s-sip-%d", d.cfg.RunID, i), Log: d.cfg.Log}
	if !target {
		c.Caller = fmt.Sprintf("sip:+999666%05d@%s", i%100000, NonTargetDomain)
		c.Box = fmt.Sprintf("sip:nt%d@%s", i, NonTargetDomain)
	}
	if _, err := sipsim.Deposit(ctx, c); err != nil {
		return 0, err
	}
	return 1, nil
}

func (d *sipDriver) close() {}
