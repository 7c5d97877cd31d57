// Package slogzero routes log/slog records into a zerolog.Logger, for libraries such as
// sipgo that log through *slog.Logger, so that nothing bypasses zerolog.
//
// Minimization: a SIP stack's attributes can carry messages, headers and URIs, and with
// them target identities. Only attributes whose key is on an allow list (addresses,
// counters, component names) are passed on; the rest are counted in "redacted".
package slogzero

import (
	"context"
	"log/slog"
	"slices"

	"github.com/rs/zerolog"
)

// SafeKeys returns the attribute keys sipgo uses for addresses, reference counts and
// component names: nothing that names a party.
func SafeKeys() []string {
	return []string{"caller", "ip", "src", "dst", "ref", "laddr", "raddr", "network", "addr", "dur"}
}

// New returns a slog.Logger writing to log at min level and above (slog Debug, Info,
// Warn, Error map to the zerolog levels of the same name), keeping only attributes
// named in keep (SafeKeys() when nil).
func New(log zerolog.Logger, min slog.Level, keep []string) *slog.Logger {
	if keep == nil {
		keep = SafeKeys()
	}
	return slog.New(&handler{log: log, min: min, keep: keep})
}

type handler struct {
	log   zerolog.Logger
	min   slog.Level
	keep  []string
	group string // set once a group is opened: its attributes are not on the allow list
	attrs []slog.Attr
}

// Enabled reports whether records at l are passed on.
func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.min && h.log.GetLevel() <= zerologLevel(l)
}

// Handle writes one record as one zerolog event.
func (h *handler) Handle(_ context.Context, r slog.Record) error {
	ev := h.log.WithLevel(zerologLevel(r.Level))
	if ev == nil {
		return nil
	}
	redacted := 0
	add := func(a slog.Attr) bool {
		if h.group == "" && slices.Contains(h.keep, a.Key) {
			ev = ev.Str(a.Key, a.Value.Resolve().String())
		} else if a.Key != "" {
			redacted++
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if redacted > 0 {
		ev = ev.Int("redacted", redacted)
	}
	ev.Msg(r.Message)
	return nil
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(slices.Clip(h.attrs), attrs...)
	return &c
}

// WithGroup returns a handler whose further attributes are inside group name.
func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.group = name
	return &c
}

func zerologLevel(l slog.Level) zerolog.Level {
	switch {
	case l >= slog.LevelError:
		return zerolog.ErrorLevel
	case l >= slog.LevelWarn:
		return zerolog.WarnLevel
	case l >= slog.LevelInfo:
		return zerolog.InfoLevel
	default:
		return zerolog.DebugLevel
	}
}
