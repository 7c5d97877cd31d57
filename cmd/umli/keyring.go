package main

import (
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/seal"
)

// keyringEnv is the environment variable that holds the at-rest keyring when no file is
// configured (lines separated by ';').
const keyringEnv = "UMLI_KEYRING"

// atRestKeyring loads the keyring that seals what umli leaves in Redis: redis.keyringFile,
// else x1.keyringFile, else $UMLI_KEYRING. Outside demo mode a missing or unreadable one
// refuses start with an error naming the file; in demo mode without one, nil (clear).
func atRestKeyring(cfg *config.Config, log zerolog.Logger) (*seal.Keyring, error) {
	file := cfg.File.Redis.KeyringFile
	if file == "" && cfg.File.X1 != nil {
		file = cfg.File.X1.KeyringFile
	}
	switch {
	case file != "":
		k, err := seal.LoadKeyring(file)
		if err != nil {
			return nil, fmt.Errorf("at-rest keyring %s (redis.keyringFile) unusable, start refused: %w", file, err)
		}
		return k, nil
	case os.Getenv(keyringEnv) != "":
		k, err := seal.KeyringFromEnv(keyringEnv)
		if err != nil {
			return nil, fmt.Errorf("at-rest keyring $%s unusable, start refused: %w", keyringEnv, err)
		}
		return k, nil
	case cfg.File.Demo:
		log.Warn().Msg("demo: no at-rest keyring (redis.keyringFile, x1.keyringFile, $UMLI_KEYRING): Redis values are written in clear")
		return nil, nil
	}
	return nil, fmt.Errorf("at-rest keyring required, start refused: set redis.keyringFile (mode 0600), x1.keyringFile or $%s in %s (only demo: true runs without one)", keyringEnv, cfg.Path)
}
