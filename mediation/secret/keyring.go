package secret

import "github.com/umli/umli/internal/seal"

// The keyring lives in internal/seal so that handover can seal its streams without
// importing mediation; these names keep mediation's callers unchanged.

// KeySize is the length of every key.
const KeySize = seal.KeySize

// Keyring is seal.Keyring.
type Keyring = seal.Keyring

// Errors from Open.
var (
	ErrUnknownKey = seal.ErrUnknownKey
	ErrOpen       = seal.ErrOpen
)

// ParseKeyring is seal.ParseKeyring.
func ParseKeyring(text, where string) (*Keyring, error) { return seal.ParseKeyring(text, where) }

// LoadKeyring is seal.LoadKeyring.
func LoadKeyring(path string) (*Keyring, error) { return seal.LoadKeyring(path) }

// KeyringFromEnv is seal.KeyringFromEnv.
func KeyringFromEnv(name string) (*Keyring, error) { return seal.KeyringFromEnv(name) }

// GenerateKeyring is seal.GenerateKeyring.
func GenerateKeyring() (string, error) { return seal.GenerateKeyring() }
