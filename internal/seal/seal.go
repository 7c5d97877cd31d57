package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Magic starts every binary sealed value (then the format version).
const (
	magic0  = 'S'
	version = 0x01
	// NonceSize and TagSize are AES-GCM's standard sizes.
	NonceSize = 12
	TagSize   = 16
)

// ErrNotSealed means a value does not carry the sealed header: clear data written
// before sealing was on, or foreign bytes.
var ErrNotSealed = errors.New("value is not sealed")

// Key is one AES-256-GCM key with its id. It is immutable and safe for concurrent use.
type Key struct {
	id   string
	aead cipher.AEAD
}

// NewKey builds a Key from 32 bytes of key material; id is 1..255 bytes.
func NewKey(id string, raw []byte) (*Key, error) {
	if len(id) == 0 || len(id) > 255 {
		return nil, fmt.Errorf("seal: key id must be 1..255 bytes")
	}
	if len(raw) != KeySize {
		return nil, fmt.Errorf("seal: key %s: want %d bytes", id, KeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("seal: key %s: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: key %s: %w", id, err)
	}
	return &Key{id: id, aead: aead}, nil
}

// GenerateKey returns a Key of fresh random material and that material (for wrapping).
func GenerateKey(id string) (*Key, []byte, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, fmt.Errorf("seal: generate key: %w", err)
	}
	k, err := NewKey(id, raw)
	return k, raw, err
}

// ID names the key.
func (k *Key) ID() string { return k.id }

// Overhead is how many bytes sealing adds to a plaintext.
func (k *Key) Overhead() int { return 3 + len(k.id) + NonceSize + TagSize }

// Seal appends the sealed form of plaintext to dst and returns the extended slice. aad
// binds the value to its place (e.g. its stream) so it cannot be moved elsewhere. With
// cap(dst)-len(dst) >= len(plaintext)+Overhead() it allocates nothing.
func (k *Key) Seal(dst, plaintext, aad []byte) ([]byte, error) {
	n := len(dst)
	dst = append(dst, magic0, version, byte(len(k.id))) //nolint:gosec // G115: key ids are 1..255 bytes, checked in NewKey
	dst = append(dst, k.id...)
	var zero [NonceSize]byte
	dst = append(dst, zero[:]...)
	nonce := dst[len(dst)-NonceSize:]
	if _, err := rand.Read(nonce); err != nil {
		return dst[:n], fmt.Errorf("seal: nonce: %w", err)
	}
	return k.aead.Seal(dst, nonce, plaintext, aad), nil
}

// KeyID returns the id of the key a binary sealed value names.
func KeyID(sealed []byte) (string, error) {
	id, _, err := split(sealed)
	return string(id), err
}

func split(sealed []byte) (id, body []byte, err error) {
	if len(sealed) < 3 || sealed[0] != magic0 || sealed[1] != version {
		return nil, nil, ErrNotSealed
	}
	l := int(sealed[2])
	if len(sealed) < 3+l+NonceSize+TagSize || l == 0 {
		return nil, nil, fmt.Errorf("seal: truncated value: %w", ErrOpen)
	}
	return sealed[3 : 3+l], sealed[3+l:], nil
}

// IsSealed reports whether b carries the sealed header.
func IsSealed(b []byte) bool { return len(b) >= 2 && b[0] == magic0 && b[1] == version }

// Open appends the plaintext of sealed to dst. It fails with ErrNotSealed for a value
// without the header, ErrUnknownKey for another key's value, ErrOpen when tampered.
func (k *Key) Open(dst, sealed, aad []byte) ([]byte, error) {
	id, body, err := split(sealed)
	if err != nil {
		return nil, err
	}
	if string(id) != k.id {
		return nil, fmt.Errorf("seal: value names key %q, have %q: %w", id, k.id, ErrUnknownKey)
	}
	pt, err := k.aead.Open(dst, body[:NonceSize], body[NonceSize:], aad)
	if err != nil {
		return nil, fmt.Errorf("seal: key %s: %w", id, ErrOpen)
	}
	return pt, nil
}

// SealBinary seals plaintext with the keyring's current key into the binary form
// (appended to dst); OpenBinary opens it with whichever key it names.
func (k *Keyring) SealBinary(dst, plaintext, aad []byte) ([]byte, error) {
	return k.keys[k.current].Seal(dst, plaintext, aad)
}

// OpenBinary opens a value from SealBinary.
func (k *Keyring) OpenBinary(dst, sealed, aad []byte) ([]byte, error) {
	id, _, err := split(sealed)
	if err != nil {
		return nil, err
	}
	key, ok := k.keys[string(id)]
	if !ok {
		return nil, fmt.Errorf("seal: key %q: %w", id, ErrUnknownKey)
	}
	return key.Open(dst, sealed, aad)
}

// Token is an opaque, stable name for value within domain (e.g. "liid"): hex of a
// truncated HMAC-SHA256 under the mac key, prefixed "t". Equal inputs give equal tokens
// on every instance sharing the keyring; without the mac key a token reveals nothing.
func (k *Keyring) Token(domain, value string) string {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte("umli token v1\x00"))
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	return "t" + hex.EncodeToString(m.Sum(sum[:0])[:12])
}
