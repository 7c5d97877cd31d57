package main

import (
	"os"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
)

// Descriptor budget (issue 21): whatever peers do, the descriptors the handover, Redis
// and the audit log need (limits.reserveDescriptors) stay free. At start umli raises
// its soft RLIMIT_NOFILE to the hard limit, adds up what its listeners may hold at
// their caps, and when that does not fit below the limit minus the reserve it lowers
// the caps the configuration left at their defaults and warns.

// Defaults of caps not set in acceptWrap (see x1.RunService, siprec.Config).
const (
	x1MaxConns        = 64
	siprecEphemeral   = 1024 // siprec.Config.MaxStreams' default with ephemeral ports
	minScaledCapacity = 1
)

// fdDemand is one consumer of descriptors: a configurable cap (field, 0 = default),
// the default it stands for, and descriptors per unit (a proxied session holds two).
type fdDemand struct {
	name  string
	field *int // nil: not configurable
	def   int
	per   int
}

func (d fdDemand) value() int {
	if d.field != nil && *d.field > 0 {
		return *d.field
	}
	return d.def
}

// fdPlan is the outcome of planDescriptors.
type fdPlan struct {
	Limit, Reserve, Open int
	// Demand is what the listeners may hold at the caps as configured; Budget what is
	// left for them (Limit - Reserve - Open).
	Demand, Budget int
	// Scaled reports that defaulted caps were lowered to fit Budget.
	Scaled bool
	// Over reports that the caps (after scaling) still exceed Budget: set explicitly.
	Over bool
	// Lowered names the caps that were lowered, with their new value.
	Lowered map[string]int
}

// planDescriptors fits the demands into limit-reserve-open: if they do not fit, every
// cap left at its default is lowered by the same factor (never below 1) and written
// into its field; explicitly configured caps are the operator's and are kept.
func planDescriptors(limit, reserve, open int, ds []fdDemand) fdPlan {
	p := fdPlan{Limit: limit, Reserve: reserve, Open: open, Budget: limit - reserve - open}
	explicit, defaulted := 0, 0
	for _, d := range ds {
		n := d.value() * d.per
		p.Demand += n
		if d.field != nil && *d.field == 0 {
			defaulted += n
		} else {
			explicit += n
		}
	}
	if p.Demand <= p.Budget {
		return p
	}
	after := explicit
	if defaulted > 0 {
		room := max(p.Budget-explicit, 0)
		p.Lowered = map[string]int{}
		for _, d := range ds {
			if d.field == nil || *d.field != 0 {
				continue
			}
			*d.field = max(d.def*room/defaulted, minScaledCapacity)
			p.Lowered[d.name] = *d.field
			after += *d.field * d.per
		}
		p.Scaled = true
	}
	p.Over = after > p.Budget
	return p
}

// fdDemands lists cfg's descriptor consumers, pointing at the fields planDescriptors
// may lower.
func fdDemands(cfg *config.Config) []fdDemand {
	var ds []fdDemand
	conns := func(name string, l *config.ConnLimitsFile, per int) {
		ds = append(ds, fdDemand{name: name, field: &l.MaxConns, def: pipeline.DefaultMaxConns, per: per})
	}
	if cfg.Metrics.Listen != "" {
		conns("metrics", &cfg.Metrics.ConnLimitsFile, 1)
	}
	if u := cfg.UMSys; u != nil {
		for i := range u.JSONLines {
			conns("jsonLines "+u.JSONLines[i].Source, &u.JSONLines[i].ConnLimitsFile, 1)
		}
		for i := range u.Webhooks {
			conns("webhook "+u.Webhooks[i].Source, &u.Webhooks[i].ConnLimitsFile, 1)
		}
		for i := range u.CUNI {
			conns("webhook "+u.CUNI[i].Source, &u.CUNI[i].ConnLimitsFile, 1)
		}
	}
	if e := cfg.Email; e != nil {
		for i := range e.Proxies {
			conns("email proxy "+e.Proxies[i].Source, &e.Proxies[i].ConnLimitsFile, 2)
		}
	}
	if cfg.RTP != nil && cfg.RTP.SIPREC != nil {
		s := cfg.RTP.SIPREC
		if s.TLS != nil || s.Transport != "udp" {
			conns("siprec "+s.Source, &s.ConnLimitsFile, 1)
		}
		def := siprecEphemeral
		if s.PortMin > 0 {
			def = (s.PortMax-s.PortMin)/2 + 1 // the port range is a hard ceiling
		}
		ds = append(ds, fdDemand{name: "siprec media " + s.Source, field: &s.MaxStreams, def: def, per: 1})
	}
	if cfg.X1 != nil && cfg.X1.Listen != "" {
		ds = append(ds, fdDemand{name: "x1", field: &cfg.X1.MaxConns, def: x1MaxConns, per: 1})
	}
	return ds
}

// openDescriptors counts the process's open descriptors (0 where /proc is missing).
func openDescriptors() int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(es)
}

// budgetDescriptors raises the limit, plans cfg's caps into it and logs the outcome:
// numbers and listener names only, never a peer or an identity.
func budgetDescriptors(cfg *config.Config, log zerolog.Logger) fdPlan {
	cur, hard, err := raiseNOFILE()
	if err != nil {
		log.Warn().Err(err).Msg("descriptors: RLIMIT_NOFILE not raised")
		if cur == 0 {
			return fdPlan{}
		}
	}
	limit := int(min(cur, 1<<30))
	p := planDescriptors(limit, cfg.Limits.ReserveDescriptors, openDescriptors(), fdDemands(cfg))
	ev := log.Info()
	msg := "descriptors: budget"
	switch {
	case p.Over:
		ev, msg = log.Warn(), "descriptors: limit low, the configured connection caps exceed RLIMIT_NOFILE minus limits.reserveDescriptors; raise LimitNOFILE or lower maxConns"
	case p.Scaled:
		ev, msg = log.Warn(), "descriptors: limit low, default connection caps and SIPREC maxStreams lowered to fit RLIMIT_NOFILE minus limits.reserveDescriptors; raise LimitNOFILE"
	}
	ev.Int("rlimit_nofile", p.Limit).Uint64("rlimit_nofile_hard", hard).Int("reserve", p.Reserve).
		Int("open", p.Open).Int("demand", p.Demand).Int("budget", p.Budget).Interface("lowered", p.Lowered).Msg(msg)
	return p
}
