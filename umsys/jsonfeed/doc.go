// Package jsonfeed reads generic JSON UM events: JSON lines over TCP (LineServer) and
// HTTP POST webhooks (Webhook). Each JSON object becomes one feed.Event of dialect
// JSON whose Headers are the object's fields flattened once, by umli's one JSON rule
// (canonical.Flatten: document order, dotted names for nested objects, array elements
// by index), and whose Raw is the object's bytes.
// Mapping field names onto the canonical schema is the translator's job (vendor
// profiles), not this package's.
package jsonfeed
