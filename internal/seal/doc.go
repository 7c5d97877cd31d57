// Package seal encrypts what umli leaves at rest (Redis values, and so its AOF, RDB
// snapshots and replicas) with AES-256-GCM, and derives opaque tokens where a key name
// must be found without carrying an identity or a LIID.
//
// The Keyring (text format in mediation/secret's package doc) holds long-lived keys: the
// first enc key seals, all open; the mac key derives match keys and tokens. A Key is one
// AES-256-GCM key with an id, the form data keys take (handover's per-stream, per-window
// keys, wrapped under the keyring so that destroying the wrapped copy shreds the data).
//
// A binary sealed value is
//
//	'S' 0x01 len(id) id nonce[12] ciphertext tag[16]
//
// so a reader tells it from clear data written before sealing (BER starts 0x30, the
// journal's JSON '{'), knows which key opens it, and detects any flipped bit. Sealing
// appends to a caller-supplied buffer and keeps one cipher.AEAD per key, so the hot path
// allocates nothing.
package seal
