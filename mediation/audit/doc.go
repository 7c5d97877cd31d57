// Package audit keeps umli's accountability record: an append-only JSON-lines file in
// which every entry carries the SHA-256 hash of its predecessor, so that an edited,
// dropped or reordered entry breaks the chain and Verify reports where.
//
// What flows in: who (an X1 client certificate subject, "system" for timers), what
// (an action name), a detail map that must never hold target identities or content,
// and a result. What flows out: one fsynced line per entry.
//
// The chain alone cannot reveal a truncated tail; operators who need that anchor the
// last hash (Log.Head, or the one Verify prints) somewhere outside the host.
package audit
