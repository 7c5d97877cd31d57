package lemfweb

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/simulators/lemf"
)

//go:embed assets
var assets embed.FS

// CSP allows nothing from elsewhere and no script at all: the pages are plain HTML and a
// stylesheet; media and forms stay on this origin.
const CSP = "default-src 'none'; style-src 'self'; media-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Options configures the viewer.
type Options struct {
	// Dir is the LEMF output directory.
	Dir string
	// Summary places content per CIN; nil reads Dir/summary.json (absent while a LEMF in
	// another process still runs: content is then listed unplaced).
	Summary func() (lemf.Summary, error)
	// Log receives request errors; the zero value logs nothing. No LIID or content is
	// logged.
	Log zerolog.Logger
}

// Handler serves the viewer.
type Handler struct {
	opt  Options
	tmpl *template.Template
	mux  *http.ServeMux
}

// New checks the directory and builds the handler.
func New(opt Options) (*Handler, error) {
	fi, err := os.Stat(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("LEMF output directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("LEMF output directory %s: not a directory", opt.Dir)
	}
	if opt.Summary == nil {
		opt.Summary = summaryFile(opt.Dir)
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"time":  fmtTime,
		"seq":   fmtSeq,
		"query": func(f Filter) template.URL { return template.URL(f.Query()) },
		"add":   func(a, b uint64) uint64 { return a + b },
		"addi":  func(a, b int) int { return a + b },
		"seqArgs": func(name string, s SeqView) any {
			return struct {
				Name string
				S    SeqView
			}{name, s}
		},
	}).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	h := &Handler{opt: opt, tmpl: tmpl, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.index)
	h.mux.HandleFunc("GET /liid", h.liid)
	h.mux.HandleFunc("GET /cin", h.cin)
	h.mux.HandleFunc("GET /content/{name}", h.content)
	h.mux.HandleFunc("GET /files/{name}", h.file)
	h.mux.HandleFunc("GET /static/style.css", h.style)
	return h, nil
}

// ServeHTTP sets the security headers on every answer, errors included.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// Filter selects CINs and events.
type Filter struct {
	LIID, NE, CIN string
	From, To      time.Time
	// FromText and ToText echo the form; Problems explains fields that were ignored.
	FromText, ToText string
	Problems         []string
}

func parseFilter(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{LIID: q.Get("liid"), NE: q.Get("ne"), CIN: strings.TrimSpace(q.Get("cin")),
		FromText: q.Get("from"), ToText: q.Get("to")}
	if f.CIN != "" && f.CIN != "none" {
		if _, err := strconv.ParseUint(f.CIN, 10, 32); err != nil {
			f.Problems = append(f.Problems, fmt.Sprintf("CIN %q is not a number: ignored", f.CIN))
			f.CIN = ""
		}
	}
	var err error
	if f.From, err = parseWhen(f.FromText); err != nil {
		f.Problems = append(f.Problems, "from: "+err.Error())
	}
	if f.To, err = parseWhen(f.ToText); err != nil {
		f.Problems = append(f.Problems, "to: "+err.Error())
	}
	return f
}

// parseWhen reads RFC 3339 or the form's datetime-local value, taken as UTC.
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339 or YYYY-MM-DDTHH:MM, UTC): ignored", s)
}

// Query is the filter as a query string (without LIID, which pages carry themselves).
func (f Filter) Query() string {
	var parts []string
	for _, kv := range [][2]string{{"from", f.FromText}, {"to", f.ToText}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+url.QueryEscape(kv[1]))
		}
	}
	return strings.Join(parts, "&")
}

// Timed reports whether the filter has a time window.
func (f Filter) Timed() bool { return !f.From.IsZero() || !f.To.IsZero() }

func (f Filter) inWindow(t time.Time) bool {
	if t.IsZero() {
		return !f.Timed()
	}
	return (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || !t.After(f.To))
}

func (f Filter) matchCIN(c *CIN) bool {
	if f.LIID != "" && c.LIID != f.LIID {
		return false
	}
	if f.NE != "" && c.NE != f.NE {
		return false
	}
	if f.CIN != "" && c.CINText() != f.CIN && !(f.CIN == "none" && c.CIN == nil) {
		return false
	}
	if f.Timed() {
		for _, e := range c.Events {
			if e.Gap == nil && f.inWindow(e.Time) {
				return true
			}
		}
		return false
	}
	return true
}

// apply keeps the matching CINs and, within them, the events in the time window (gap
// markers stay: a gap is a fact about the stream, not about a time).
func (f Filter) apply(cs []*CIN) []*CIN {
	var out []*CIN
	for _, c := range cs {
		if !f.matchCIN(c) {
			continue
		}
		if f.Timed() {
			cp := *c
			cp.Events = nil
			for _, e := range c.Events {
				if e.Gap != nil || f.inWindow(e.Time) {
					cp.Events = append(cp.Events, e)
				}
			}
			c = &cp
		}
		out = append(out, c)
	}
	return out
}

// page is what the templates get.
type page struct {
	Title  string
	Dir    string
	Filter Filter
	Model  *Model
	LIIDs  []string
	NEs    []string
	Groups []liidGroup
	// Detail shows timelines (LIID and CIN pages); the index lists only.
	Detail bool
}

type liidGroup struct {
	LIID string
	NEs  []neGroup
}

type neGroup struct {
	NE   string
	CINs []*CIN
}

func group(cs []*CIN) []liidGroup {
	var out []liidGroup
	for _, c := range cs {
		if n := len(out); n == 0 || out[n-1].LIID != c.LIID {
			out = append(out, liidGroup{LIID: c.LIID})
		}
		l := &out[len(out)-1]
		if n := len(l.NEs); n == 0 || l.NEs[n-1].NE != c.NEText() {
			l.NEs = append(l.NEs, neGroup{NE: c.NEText()})
		}
		ne := &l.NEs[len(l.NEs)-1]
		ne.CINs = append(ne.CINs, c)
	}
	return out
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, title string, detail bool, need func(Filter) bool) {
	m, err := load(h.opt.Dir, h.opt.Summary)
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	f := parseFilter(r)
	if need != nil && !need(f) {
		h.fail(w, http.StatusBadRequest, errors.New("this page needs liid (and for /cin: ne and cin) in the query"))
		return
	}
	p := page{Title: title, Dir: h.opt.Dir, Filter: f, Model: m, Detail: detail}
	liids, nes := map[string]bool{}, map[string]bool{}
	for _, c := range m.CINs {
		if !liids[c.LIID] {
			liids[c.LIID] = true
			p.LIIDs = append(p.LIIDs, c.LIID)
		}
		if !nes[c.NE] {
			nes[c.NE] = true
			p.NEs = append(p.NEs, c.NE)
		}
	}
	p.Groups = group(f.apply(m.CINs))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.tmpl.ExecuteTemplate(w, "page.html", p); err != nil {
		h.opt.Log.Warn().Err(err).Str("path", r.URL.Path).Msg("lemfweb: render failed")
	}
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "LEMF", false, nil)
}

func (h *Handler) liid(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "LIID "+r.URL.Query().Get("liid"), true, func(f Filter) bool { return f.LIID != "" })
}

func (h *Handler) cin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	h.render(w, r, "LIID "+q.Get("liid")+" NE "+q.Get("ne")+" CIN "+q.Get("cin"), true, func(f Filter) bool {
		return f.LIID != "" && q.Has("ne") && f.CIN != ""
	})
}

func (h *Handler) fail(w http.ResponseWriter, code int, err error) {
	h.opt.Log.Warn().Err(err).Int("status", code).Msg("lemfweb: request failed")
	http.Error(w, err.Error(), code)
}

// contentFile is the LEMF's content naming (simulators/lemf content_file.go): sanitized
// LIID_NE_CIN_… in [A-Za-z0-9_-], one known extension.
var contentFile = regexp.MustCompile(`^[A-Za-z0-9_-]+\.(wav|eml|txt|bin)$`)

func validName(name string) bool { return contentFile.MatchString(name) }

// contentTypes are what each kind is served as: WAV as audio/wav for the player,
// e-mail and text as plain text (never HTML), the rest as a download.
var contentTypes = map[string]string{
	".wav": "audio/wav",
	".eml": "text/plain; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
	".bin": "application/octet-stream",
}

func (h *Handler) content(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !validName(name) {
		http.NotFound(w, r)
		return
	}
	h.serveFrom(w, r, filepath.Join(h.opt.Dir, lemf.ContentDir), name, contentTypes[filepath.Ext(name)])
}

// files are the LEMF's own output files offered for download.
var files = map[string]string{
	lemf.HI2File:     "application/octet-stream",
	lemf.HI3File:     "application/octet-stream",
	lemf.RecordsFile: "application/x-ndjson",
	lemf.SummaryFile: "application/json",
}

func (h *Handler) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ct, ok := files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.serveFrom(w, r, h.opt.Dir, name, ct)
}

// serveFrom opens name through an os.Root on dir: a name that passed the checks still
// cannot follow a symlink out of dir.
func (h *Handler) serveFrom(w http.ResponseWriter, r *http.Request, dir, name, contentType string) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType)
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func (h *Handler) style(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(assets, "assets/style.css")
	if err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(b)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000000Z")
}

func fmtSeq(p *uint32) string {
	if p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*p), 10)
}
