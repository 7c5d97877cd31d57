// Package secret protects the target list: identities are sealed with AES-256-GCM before
// they reach Redis, matched through HMAC-SHA256 keyed hashes so that a lookup never needs
// the clear value, and scrubbed from log output by a Redactor.
//
// # Keys and rotation
//
// A keyring is text, one key per line, read from a file (Options.KeyFile, mode 0600) or
// an environment variable (lines separated by ';'):
//
//	enc k2 <base64 of 32 random bytes>   # the first enc line seals new values
//	enc k1 <base64 of 32 random bytes>   # older enc keys still open what they sealed
//	mac m1 <base64 of 32 random bytes>   # the match-key (HMAC) key
//
// Every sealed value starts with its key id ("k2:…"), so rotation is: generate a key
// (`head -c32 /dev/urandom | base64`), add it as the first enc line, restart or reload
// every instance, re-seal stored values (x1.Store.Reseal), then delete the old line.
// The mac key is separate so rotating enc keys leaves match keys unchanged; without a
// mac line the mac key is derived from the last (oldest) enc line. Rotating the mac key
// means recomputing every match key, which Reseal also does.
package secret
