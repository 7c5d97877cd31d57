package jsonfeed

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/feed"
)

// Webhook limits.
const (
	DefaultMaxBodyBytes = 4 << 20
	DefaultMaxEvents    = 1000
)

// WebhookConfig configures the HTTP POST receiver.
type WebhookConfig struct {
	// Token is the bearer token senders must present; required, never logged.
	Token string
	// Source names the platform in events, logs and metrics.
	Source string
	// MaxBodyBytes bounds a request body; MaxEvents the objects in one array.
	MaxBodyBytes int64
	MaxEvents    int
	// RetryAfter is sent with 503 (default 5 s).
	RetryAfter time.Duration
	Logger     zerolog.Logger
	Metrics    *feed.Metrics
	// Parse, when set, reads a body of another format instead of JSON (cuni.Events for
	// Cisco Unity Connection XML); MediaTypes then lists the Content-Types it accepts
	// and Dialect labels its metrics. The durability path (2xx only once the handler
	// took every event) is the same.
	Parse      func(body []byte) ([]*feed.Event, error)
	MediaTypes []string
	Dialect    feed.Dialect
	// Basic also accepts HTTP Basic credentials whose password is the token: Cisco's
	// Notifier authenticates callbacks with the user name and password given at subscribe.
	Basic bool
}

// Webhook is an http.Handler taking POSTed JSON events: one object or an array of
// objects. It answers 2xx only after the feed.Handler accepted every event (the
// handler is where the durable queue is reached), 503 otherwise so the sender retries;
// delivery is therefore at-least-once and a retried batch may repeat events. Events
// the handler refuses as unreadable (adapter.ErrInvalidEvent) are answered with 422
// and their batch indices once every other event was taken: retrying cannot fix them.
type Webhook struct {
	cfg       WebhookConfig
	tokenHash [sha256.Size]byte
	h         feed.Handler
	// warnEvery rate-limits the unauthenticated-request warning: a flood of
	// tokenless peers must not become a flood of log lines.
	warnEvery *httpguard.Every
}

// NewWebhook validates cfg.
func NewWebhook(cfg WebhookConfig, h feed.Handler) (*Webhook, error) {
	if h == nil {
		return nil, errors.New("jsonfeed: nil handler")
	}
	if cfg.Token == "" {
		return nil, errors.New("jsonfeed: webhook needs a bearer token")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = DefaultMaxEvents
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 5 * time.Second
	}
	if cfg.Metrics == nil {
		m, err := feed.NewMetrics(nil)
		if err != nil {
			return nil, err
		}
		cfg.Metrics = m
	}
	return &Webhook{cfg: cfg, tokenHash: sha256.Sum256([]byte(cfg.Token)), h: h, warnEvery: httpguard.NewEvery(10 * time.Second)}, nil
}

// authorized compares hashes in constant time, so neither content nor length of the
// token leaks through timing.
func (w *Webhook) authorized(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if w.cfg.Basic {
		if _, pw, ok := r.BasicAuth(); ok {
			got := sha256.Sum256([]byte(pw))
			return subtle.ConstantTimeCompare(got[:], w.tokenHash[:]) == 1
		}
	}
	const prefix = "Bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(auth[len(prefix):]))
	return subtle.ConstantTimeCompare(got[:], w.tokenHash[:]) == 1
}

func (w *Webhook) fail(rw http.ResponseWriter, code int, msg string) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.WriteHeader(code)
	_, _ = io.WriteString(rw, msg+"\n") // the client may be gone; nothing to do
}

// ServeHTTP implements http.Handler.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	src := w.cfg.Source
	m := w.cfg.Metrics
	dialect := string(feed.JSON)
	if w.cfg.Dialect != "" {
		dialect = string(w.cfg.Dialect)
	}
	log := w.cfg.Logger.With().Str("source", src).Str("peer", r.RemoteAddr).Logger()
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		httpguard.Refuse(rw, http.StatusMethodNotAllowed, "POST only")
		return
	}
	if !w.authorized(r) {
		rw.Header().Set("WWW-Authenticate", `Bearer realm="umli"`)
		if ok, n := w.warnEvery.Allow(); ok {
			log.Warn().Int("suppressed", n).Msg("jsonfeed: webhook request without a valid bearer token")
		}
		// Answered and closed without reading the body: a tokenless peer cannot
		// hold the connection by trickling it.
		httpguard.Refuse(rw, http.StatusUnauthorized, "bearer token required")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if w.cfg.Parse != nil {
			if err != nil || !slices.Contains(w.cfg.MediaTypes, mt) {
				w.fail(rw, http.StatusUnsupportedMediaType, "Content-Type must be one of "+strings.Join(w.cfg.MediaTypes, ", "))
				return
			}
		} else if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			w.fail(rw, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			m.FrameErrors.WithLabelValues(dialect, src, "body-too-large").Inc()
			log.Error().Int64("limit", w.cfg.MaxBodyBytes).Msg("jsonfeed: webhook body too large")
			w.fail(rw, http.StatusRequestEntityTooLarge, fmt.Sprintf("body exceeds %d bytes", w.cfg.MaxBodyBytes))
			return
		}
		m.PartialFrames.WithLabelValues(dialect, src).Inc()
		log.Error().Err(err).Msg("jsonfeed: webhook body read failed")
		w.fail(rw, http.StatusBadRequest, "body read failed")
		return
	}
	parse, kind := w.parse, "json"
	if w.cfg.Parse != nil {
		parse, kind = w.cfg.Parse, dialect
	}
	events, err := parse(body)
	if err != nil {
		m.FrameErrors.WithLabelValues(dialect, src, kind).Inc()
		log.Error().Err(err).Msg("jsonfeed: webhook body rejected")
		w.fail(rw, http.StatusBadRequest, err.Error())
		return
	}
	now := time.Now()
	var invalid []int
	for i, ev := range events {
		ev.Received = now
		m.Events.WithLabelValues(dialect, src).Inc()
		err := w.h(ev)
		if err == nil {
			continue
		}
		m.HandlerErrors.WithLabelValues(dialect, src).Inc()
		if errors.Is(err, adapter.ErrInvalidEvent) {
			// Retrying cannot make a malformed event readable: note it and go on, so
			// the valid events after it in the batch are still taken. The reason is
			// not logged here: it may quote event content (the adapter logs it).
			log.Warn().Int("index", i).Int("events", len(events)).Msg("jsonfeed: webhook event unreadable; not asking for a retry")
			invalid = append(invalid, i)
			continue
		}
		log.Error().Err(err).Int("index", i).Int("events", len(events)).Msg("jsonfeed: webhook event not accepted; asking sender to retry")
		rw.Header().Set("Retry-After", strconv.Itoa(int(w.cfg.RetryAfter/time.Second)))
		w.fail(rw, http.StatusServiceUnavailable, "event not accepted, retry later")
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	if len(invalid) > 0 {
		// 422, not 503: a sender must not retry these forever; the body says which.
		rw.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(rw, "{\"accepted\":%d,\"invalid\":%s}\n", len(events)-len(invalid), indexList(invalid))
		return
	}
	rw.WriteHeader(http.StatusOK)
	fmt.Fprintf(rw, "{\"accepted\":%d}\n", len(events))
}

// indexList renders batch indices as a JSON array.
func indexList(idx []int) string {
	b := []byte{'['}
	for i, n := range idx {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(append(b, ']'))
}

// parse validates the whole body before anything reaches the handler, so a bad batch
// is refused as a whole.
func (w *Webhook) parse(body []byte) ([]*feed.Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("jsonfeed: empty body")
	}
	var raws []json.RawMessage
	switch trimmed[0] {
	case '{':
		raws = []json.RawMessage{trimmed}
	case '[':
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("jsonfeed: body: %w", err)
		}
		for dec.More() {
			if len(raws) == w.cfg.MaxEvents {
				return nil, fmt.Errorf("jsonfeed: body has more than %d events", w.cfg.MaxEvents)
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fmt.Errorf("jsonfeed: body element %d at offset %d: %w", len(raws), dec.InputOffset(), err)
			}
			raws = append(raws, raw)
		}
		if _, err := dec.Token(); err != nil {
			return nil, fmt.Errorf("jsonfeed: body: %w", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("jsonfeed: trailing data after the array at offset %d", dec.InputOffset())
		}
	default:
		return nil, fmt.Errorf("jsonfeed: body is neither a JSON object nor an array: %w", ErrNotObject)
	}
	events := make([]*feed.Event, 0, len(raws))
	for i, raw := range raws {
		hs, err := canonical.Flatten(raw)
		if err != nil {
			return nil, fmt.Errorf("jsonfeed: body element %d: %w", i, err)
		}
		events = append(events, &feed.Event{Dialect: feed.JSON, Source: w.cfg.Source, Headers: hs, Raw: bytes.Clone(raw)})
	}
	return events, nil
}
