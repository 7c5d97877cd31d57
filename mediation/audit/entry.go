package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// GenesisHash is the prevHash of the first entry of a log.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audit record. Detail must hold no secrets: no target identities, PINs,
// passwords or content, only identifiers such as LIIDs, XIds, CINs and counts.
type Entry struct {
	Seq      uint64            `json:"seq"`
	Time     time.Time         `json:"time"`
	Actor    string            `json:"actor"`
	Action   string            `json:"action"`
	Detail   map[string]string `json:"detail,omitempty"`
	Result   string            `json:"result"`
	PrevHash string            `json:"prevHash"`
	Hash     string            `json:"hash"`
}

// canonical is the hashed form of an entry: every field but Hash, in fixed order.
// encoding/json writes struct fields in declaration order and map keys sorted, so the
// bytes are a function of the values alone.
type canonical struct {
	Seq      uint64            `json:"seq"`
	Time     string            `json:"time"`
	Actor    string            `json:"actor"`
	Action   string            `json:"action"`
	Detail   map[string]string `json:"detail,omitempty"`
	Result   string            `json:"result"`
	PrevHash string            `json:"prevHash"`
}

// timeLayout fixes the time's text so re-encoding a parsed entry gives the same bytes.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// ComputeHash returns hex(SHA-256(prevHash || canonical entry)) for e.
func ComputeHash(e *Entry) (string, error) {
	b, err := json.Marshal(canonical{
		Seq: e.Seq, Time: e.Time.UTC().Format(timeLayout), Actor: e.Actor, Action: e.Action,
		Detail: e.Detail, Result: e.Result, PrevHash: e.PrevHash,
	})
	if err != nil {
		return "", fmt.Errorf("audit: encode entry %d: %w", e.Seq, err)
	}
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}
