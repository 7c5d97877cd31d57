package email

import "testing"

func TestFetchIsFull(t *testing.T) {
	tests := []struct {
		items string
		full  bool
	}{
		{"BODY[]", true},
		{"(UID BODY.PEEK[])", true},
		{"RFC822", true},
		{"(FLAGS RFC822)", true},
		{"BINARY.PEEK[]", true},
		{"BODY[]<0.100>", false},
		{"BODY[HEADER]", false},
		{"RFC822.HEADER", false},
		{"FULL", false},
		{"(FLAGS RFC822.SIZE)", false},
		{"BODY[]<0.10> BODY[]", true},
	}
	for _, tc := range tests {
		if got := fetchIsFull(tc.items); got != tc.full {
			t.Errorf("fetchIsFull(%q) = %v", tc.items, got)
		}
	}
}

func TestMessageSection(t *testing.T) {
	tests := []struct {
		before string
		want   bool
	}{
		{"* 1 FETCH (BODY[] ", true},
		{"* 1 FETCH (UID 4 BODY[HEADER.FIELDS (FROM TO)] ", true},
		{"* 1 FETCH (BODY[]<0> ", true},
		{"* 1 FETCH (BINARY[1] ~", true},
		{"* 1 FETCH (RFC822.TEXT ", true},
		{"* 1 FETCH (ENVELOPE (\"date\" ", false},
		{"* LIST () \"/\" ", false},
	}
	for _, tc := range tests {
		if got := messageSection(tc.before); got != tc.want {
			t.Errorf("messageSection(%q) = %v", tc.before, got)
		}
	}
}

func TestIMAPTokens(t *testing.T) {
	c := &imapCommand{segments: []string{`a1 LOGIN "jo \"x\"" {3}`, ` (\Seen) BODY[HEADER.FIELDS (A B)]`}, lits: [][]byte{[]byte("p w")}}
	var got []string
	for _, tok := range c.tokens() {
		got = append(got, tok.text)
	}
	want := []string{"a1", "LOGIN", `jo "x"`, "p w", `(\Seen)`, "BODY[HEADER.FIELDS (A B)]"}
	if len(got) != len(want) {
		t.Fatalf("tokens %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tokens %q, want %q", got, want)
		}
	}
}
