package mediation_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/umli/umli/internal/seal"
)

// TestSealedAtRestMediation runs TestDeliveryRules' records with a keyring (journal,
// session blobs and handover entries sealed, LIIDs tokenized) and checks that the LEMF
// gets exactly the same, while no key name or value in Redis carries a target identity
// or a LIID.
func TestSealedAtRestMediation(t *testing.T) {
	text, err := seal.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.ParseKeyring(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	s := startSystemKeys(t, time.Second, nil, keys)
	deliveryRules(t, s)
	if hits := clearAtRest(t, s); len(hits) > 0 {
		t.Errorf("readable at rest: %v", hits)
	}
	// The control: the same run without a keyring leaves them readable, so the scan
	// above would have found them.
	c := startSystemKeys(t, time.Second, nil, nil)
	deliveryRules(t, c)
	if hits := clearAtRest(t, c); len(hits) == 0 {
		t.Error("control run without keyring: scan found nothing; the scan is blind")
	}
}

// clearAtRest lists the keys whose name or value (DUMP, uncompressed) carries a target
// identity, LIID or box identifier of the test warrants.
func clearAtRest(t *testing.T, s *system) []string {
	t.Helper()
	ctx := context.Background()
	if err := s.rdb.ConfigSet(ctx, "rdbcompression", "no").Err(); err != nil {
		t.Fatal(err)
	}
	var hits []string
	secrets := [][]byte{[]byte(alice), []byte(alice[1:]), []byte(bob), []byte("A-CC"), []byte("B-IRI"), []byte("C-LATER"), []byte("1000@um")}
	var n int
	iter := s.rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		n++
		v, err := s.rdb.Dump(ctx, k).Bytes()
		if err != nil {
			t.Fatalf("DUMP %s: %v", k, err)
		}
		for _, sec := range secrets {
			if bytes.Contains([]byte(k), sec) || bytes.Contains(v, sec) {
				hits = append(hits, k+": "+string(sec))
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("Redis holds no key at all: nothing was checked")
	}
	return hits
}
