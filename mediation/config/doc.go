// Package config reads umli's YAML configuration: the instance, Redis, metrics, the LEA
// destinations (HI2/HI3 endpoints, TLS, schema version, timestamp style) and the
// warrants. Everything is checked at load time; every error names the file, the line and
// the reason, and all errors are reported at once.
package config
