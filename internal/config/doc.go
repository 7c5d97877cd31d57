// Package config reads umli's YAML configuration, the product configuration: the
// instance, Redis, metrics, the LEA destinations (HI2/HI3 endpoints, TLS, schema
// version, timestamp style), the warrants and the sources' sections. It sits above the
// sources and mediation and builds the narrow configurations they take
// (MediationConfig, HandoverConfig). Everything is checked at load time; every error
// names the file, the line and the reason, and all errors are reported at once.
package config
