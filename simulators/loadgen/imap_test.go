package loadgen

import (
	"bufio"
	"strings"
	"testing"
)

// TestIMAPResponses: the client reads a command's untagged lines past literals up to its
// tagged status, and a refusal is an error quoting the server.
func TestIMAPResponses(t *testing.T) {
	for _, tc := range []struct {
		name, server string
		untagged     []string
		exists       int
		err          string
	}{
		{"select", "* FLAGS (\\Seen)\r\n* 3 EXISTS\r\n* 0 RECENT\r\na1 OK [READ-WRITE] done\r\n", []string{"* FLAGS (\\Seen)", "* 3 EXISTS", "* 0 RECENT"}, 3, ""},
		{"literal", "* 1 FETCH (BODY[] {14}\r\nhello\r\na1 OK\r\n)\r\na1 OK fetched\r\n", []string{"* 1 FETCH (BODY[] )"}, 0, ""},
		{"refused", "a1 NO [AUTHENTICATIONFAILED] bad\r\n", nil, 0, `server said "NO [AUTHENTICATIONFAILED] bad"`},
		{"cut", "* 1 FETCH (BODY[] {100}\r\nshort", nil, 0, "EOF"},
		{"huge literal", "* 1 FETCH (BODY[] {999999999999}\r\n", nil, 0, "exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readTagged(bufio.NewReader(strings.NewReader(tc.server)), "a1")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tc.untagged, "|") || exists(got) != tc.exists {
				t.Fatalf("untagged %q (exists %d), want %q (%d)", got, exists(got), tc.untagged, tc.exists)
			}
		})
	}
}

// FuzzIMAPResponses: whatever a server answers, the client returns without panicking.
func FuzzIMAPResponses(f *testing.F) {
	f.Add("* 2 EXISTS\r\na1 OK\r\n")
	f.Add("* 1 FETCH (BODY[] {5}\r\nhello)\r\na1 OK\r\n")
	f.Add("* {-1}\r\n* {+}\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := readTagged(bufio.NewReader(strings.NewReader(s)), "a1")
		_ = exists(got)
	})
}
