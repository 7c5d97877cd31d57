package config

import (
	"strconv"
	"strings"
)

// checkWebhooks checks HTTP listeners under umsys.<kind> (webhooks, cuni): a token (for
// CUNI the password the operator gives Connection's subscribe call), a path and, for
// tls, cert and key.
func checkWebhooks(p *problems, kind string, ls []WebhookFile, src func([]any, string, string), addr func([]any, string, string, string, bool), file func([]any, string, string, string, bool)) {
	for i, w := range ls {
		at, what := path("umsys", kind, i), "umsys."+kind+"["+strconv.Itoa(i)+"]"
		src(at, what, w.Source)
		addr(at, "listen", what, w.Listen, true)
		file(at, "tokenFile", what, w.TokenFile, true)
		checkHTTPLimits(p, at, what, w.HTTP)
		checkConnLimits(p, at, what, w.ConnLimitsFile)
		if w.Path != "" && !strings.HasPrefix(w.Path, "/") {
			p.addf(append(at, "path"), "%s: path %q must start with /", what, w.Path)
		}
		if w.TLS != nil {
			if w.TLS.Cert == "" || w.TLS.Key == "" {
				p.addf(append(at, "tls"), "%s: tls: cert and key required", what)
			}
			checkTLS(p, append(at, "tls"), w.TLS, false)
		}
	}
}
