package umsim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// TestCUNINotifierPlay: each messageEvent of a transcript is its own POST, an XML
// document with its declaration, Basic credentials and text/xml; a refusal stops play.
func TestCUNINotifierPlay(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	refuseAfter := 100
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "umli" || p != "pw" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/xml") {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if len(bodies) >= refuseAfter {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		bodies = append(bodies, string(b))
	}))
	defer srv.Close()
	tr, err := os.ReadFile("../../umsys/translate/testdata/cuni/deposit-save-delete.xml")
	if err != nil {
		t.Fatal(err)
	}
	n := &CUNINotifier{URL: srv.URL, User: "umli", Password: "pw"}
	k, err := n.Play(context.Background(), tr)
	if err != nil || k != 7 || len(bodies) != 7 {
		t.Fatalf("played %d (%d bodies), %v; want 7", k, len(bodies), err)
	}
	for i, b := range bodies {
		if !strings.HasPrefix(b, `<?xml version="1.0" ?><messageEvent `) || strings.Count(b, "<messageEvent ") != 1 {
			t.Errorf("body %d = %q", i, b)
		}
	}
	bodies, refuseAfter = nil, 2
	if k, err := n.Play(context.Background(), tr); err == nil || k != 2 {
		t.Errorf("refused play: %d events, %v; want a stop at 2", k, err)
	}
	n.Password = "wrong"
	if _, err := n.Play(context.Background(), tr); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong password: %v", err)
	}
}

// TestCUMIServer: the audio of a known message with the right credentials, 401 and 404
// otherwise.
func TestCUMIServer(t *testing.T) {
	srv := httptest.NewServer(&CUMIServer{User: "u", Password: "p", Audio: map[string][]byte{"m1": []byte("RIFFdata")}})
	defer srv.Close()
	get := func(path, user, pw string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.SetBasicAuth(user, pw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		path, pw string
		code     int
		body     string
	}{
		{"/vmrest/messages/m1/attachments/0", "p", 200, "RIFFdata"},
		{"/vmrest/messages/m1/attachments/0", "x", 401, ""},
		{"/vmrest/messages/m2/attachments/0", "p", 404, ""},
		{"/vmrest/messages/m1/attachments/1", "p", 404, ""},
	}
	for _, tt := range tests {
		code, body := get(tt.path, "u", tt.pw)
		if code != tt.code || (tt.body != "" && body != tt.body) {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, code, body, tt.code, tt.body)
		}
	}
}
