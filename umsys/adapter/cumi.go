package adapter

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// cumiClient is the content client for a CUMI base: requests to its host carry HTTP
// Basic credentials (CUMI's /vmrest needs them), requests elsewhere none, so a platform
// naming another URL never receives the password.
func cumiClient(base, user, passwordFile string) (*http.Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("umsys: cumiURL %q: want http(s)://host[:port]", base)
	}
	if passwordFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, fmt.Errorf("umsys: cumiPasswordFile: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if pw == "" || user == "" {
		return nil, fmt.Errorf("umsys: cumiUser and a non-empty cumiPasswordFile are both required")
	}
	return &http.Client{Transport: &basicAuth{host: u.Host, user: user, pw: pw, next: http.DefaultTransport}}, nil
}

type basicAuth struct {
	host, user, pw string
	next           http.RoundTripper
}

func (b *basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == b.host {
		r = r.Clone(r.Context())
		r.SetBasicAuth(b.user, b.pw)
	}
	return b.next.RoundTrip(r)
}
