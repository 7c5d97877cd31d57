// Package config reads umli's YAML configuration (the product configuration, above the
// sources and mediation): the instance, Redis, metrics, the LEA
// destinations (HI2/HI3 endpoints, TLS, schema version, timestamp style) and the
// warrants, the sources' sections. Everything is checked at load time; every error names the file, the line and
// the reason, and all errors are reported at once.
package config
