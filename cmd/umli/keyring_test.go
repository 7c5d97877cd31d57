package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/seal"
)

// TestMain gives every `umli run` these tests start (in process or as a child, which
// inherits the environment) an at-rest keyring: one is required outside demo mode.
func TestMain(m *testing.M) {
	text, err := seal.GenerateKeyring()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if os.Getenv(keyringEnv) == "" {
		os.Setenv(keyringEnv, strings.ReplaceAll(strings.TrimSpace(text), "\n", ";"))
	}
	os.Exit(m.Run())
}

// sessionField is the session hash field holding the kind ("i" IRI, "c" CC) sequence
// counter of liid: the LIID is kept there as its HMAC token under the tests' keyring.
func sessionField(t *testing.T, kind, liid string) string {
	t.Helper()
	return kind + ":" + storedLIID(t, liid)
}

// TestKeyringRequired: without an at-rest keyring, or with one that is missing, readable
// by others or malformed, `umli run` refuses to start with an error naming the file.
func TestKeyringRequired(t *testing.T) {
	t.Setenv(keyringEnv, "")
	dir := t.TempDir()
	good, _ := seal.GenerateKeyring()
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	open := write("open.keyring", good, 0o644)
	junk := write("junk.keyring", "enc k1 not-base64\n", 0o600)
	missing := filepath.Join(dir, "missing.keyring")
	const base = "instance: i\noperator: OP\nredis: {addrs: ['127.0.0.1:1']%s}\ndestinations: [{name: d, hi2: '127.0.0.1:1'}]\n"
	tests := []struct {
		name, keyring string
		want          []string
	}{
		{"none", "", []string{"at-rest keyring required", "redis.keyringFile", "UMLI_KEYRING"}},
		{"missing file", missing, []string{missing}},
		{"readable by others", open, []string{open, "chmod 600"}},
		{"malformed", junk, []string{junk, "base64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := ""
			if tt.keyring != "" {
				extra = ", keyringFile: '" + tt.keyring + "'"
			}
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(fmt.Sprintf(base, extra)), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := dispatch([]string{"run", "--config", p}, strings.NewReader(""), &out, &errb)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, errb.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q lacks %q", errb.String(), w)
				}
			}
			if strings.Contains(errb.String(), "umli running") {
				t.Error("umli started without a usable keyring")
			}
		})
	}
}

// storedLIID is liid as the session store of a `umli run` started by these tests keeps
// it (hash fields, journal headers): an HMAC token under the TestMain keyring.
func storedLIID(t *testing.T, liid string) string {
	t.Helper()
	k, err := seal.KeyringFromEnv(keyringEnv)
	if err != nil {
		t.Fatal(err)
	}
	return k.Token("liid", liid)
}

// sealedJournal checks a crash journal hash as a killed process left it: every record
// blob (after the numbers header line) is sealed, and no field or value carries any of
// secrets. It returns how many entries the journal holds.
func sealedJournal(t *testing.T, ctx context.Context, rdb *redis.Client, key string, secrets ...string) int {
	t.Helper()
	j, err := rdb.HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatalf("HGETALL %s: %v", key, err)
	}
	for id, v := range j {
		_, blob, ok := strings.Cut(v, "\n")
		if !ok || !seal.IsSealed([]byte(blob)) {
			t.Errorf("journal entry %s: record not sealed", id)
		}
		for _, s := range secrets {
			if strings.Contains(id, s) || strings.Contains(v, s) {
				t.Errorf("journal entry %s carries %q in clear", id, s)
			}
		}
	}
	return len(j)
}

// metricValue is the sum of every sample of name in a Prometheus text exposition.
func metricValue(text, name string) float64 {
	var sum float64
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '{') {
			continue
		}
		f := strings.Fields(rest[strings.LastIndexByte(rest, '}')+1:])
		if len(f) > 0 {
			var v float64
			if _, err := fmt.Sscan(f[0], &v); err == nil {
				sum += v
			}
		}
	}
	return sum
}
