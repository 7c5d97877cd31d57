// Package httpguard builds umli's inbound HTTP servers with bounded timeouts and
// header sizes, and refuses unauthenticated requests without reading their body:
// a peer without credentials cannot hold a goroutine and a descriptor by trickling.
package httpguard

import (
	stdlog "log"
	"net/http"
	"sync"
	"time"
)

// Limits bound one HTTP listener. Zero fields take Defaults'.
type Limits struct {
	// ReadHeaderTimeout bounds reading the request line and headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the headers to the end of the response.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes int
}

// Defaults returns limits that suit a feed that POSTs small documents and waits for the durable queue.
func Defaults() Limits {
	return Limits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// WithDefaults returns l with its zero fields set from Defaults().
func (l Limits) WithDefaults() Limits {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = Defaults().ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = Defaults().ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = Defaults().WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = Defaults().IdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = Defaults().MaxHeaderBytes
	}
	return l
}

// Server returns an http.Server for h bounded by l (zero fields: Defaults).
func Server(h http.Handler, l Limits, errLog *stdlog.Logger) *http.Server {
	l = l.WithDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errLog,
	}
}

// Refuse answers code with msg and closes the connection without reading the
// request body. net/http would otherwise drain up to 256 KiB of an unread body,
// before the response when keep-alive is possible and after it in any case:
// Connection: close skips the first, a read deadline in the past ends the second
// at once. w must reach the connection's ResponseWriter (wrappers implement Unwrap).
func Refuse(w http.ResponseWriter, code int, msg string) {
	// Best effort: a ResponseWriter without deadlines (HTTP/2, tests) still gets
	// Connection: close and the server's own ReadTimeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	h := w.Header()
	h.Set("Connection", "close")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg + "\n"))
}

// Every lets one event in per interval through and counts the rest, so a flood
// of refused peers costs one log line per interval, not one per request.
type Every struct {
	interval time.Duration
	mu       sync.Mutex
	last     time.Time
	quiet    int
}

// NewEvery returns a limiter passing one event per interval.
func NewEvery(interval time.Duration) *Every { return &Every{interval: interval} }

// Allow reports whether this event may be logged, and how many were suppressed
// since the last one that was.
func (e *Every) Allow() (bool, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	if !e.last.IsZero() && now.Sub(e.last) < e.interval {
		e.quiet++
		return false, 0
	}
	n := e.quiet
	e.last, e.quiet = now, 0
	return true, n
}
