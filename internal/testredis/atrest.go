package testredis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// RestScan is what a copy of a server's storage shows: every key name and value (SCAN +
// DUMP, uncompressed), the AOF files and a fresh RDB snapshot. The at-rest tests search
// it for identities, LIIDs and content that must not be there.
type RestScan struct {
	Blobs map[string][]byte // where ("key <name>" or "file <base name>") -> bytes
}

// ScanAtRest takes a RestScan of s through rdb (a client of s). It fails the test when
// the directory holds no AOF or no RDB: a scan that misses them would prove nothing.
func (s *Server) ScanAtRest(tb testing.TB, ctx context.Context, rdb *redis.Client) RestScan {
	tb.Helper()
	// Uncompressed, so a string shows as itself in DUMP output and the RDB.
	if err := rdb.ConfigSet(ctx, "rdbcompression", "no").Err(); err != nil {
		tb.Fatal(err)
	}
	sc := RestScan{Blobs: map[string][]byte{}}
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		v, err := rdb.Dump(ctx, k).Bytes()
		if err != nil && !errors.Is(err, redis.Nil) {
			tb.Fatalf("DUMP %s: %v", k, err)
		}
		sc.Blobs["key "+k] = append([]byte(k+"\x00"), v...)
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	if err := rdb.Save(ctx).Err(); err != nil {
		tb.Fatalf("SAVE: %v", err)
	}
	err := filepath.WalkDir(s.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".log") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sc.Blobs["file "+filepath.Base(p)] = b
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var aof, rdbFile bool
	for w := range sc.Blobs {
		aof = aof || strings.Contains(w, ".aof")
		rdbFile = rdbFile || strings.HasSuffix(w, ".rdb")
	}
	if !aof || !rdbFile {
		tb.Fatalf("scan found AOF %v RDB %v in %s: nothing to check", aof, rdbFile, s.Dir())
	}
	return sc
}

// Hits lists where each secret appears, sorted.
func (sc RestScan) Hits(secrets ...string) []string {
	var out []string
	for w, b := range sc.Blobs {
		for _, s := range secrets {
			if n := bytes.Count(b, []byte(s)); n > 0 {
				out = append(out, fmt.Sprintf("%s: %q ×%d", w, s, n))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Files is how many files of the server's directory the scan read.
func (sc RestScan) Files() int {
	n := 0
	for w := range sc.Blobs {
		if strings.HasPrefix(w, "file ") {
			n++
		}
	}
	return n
}
