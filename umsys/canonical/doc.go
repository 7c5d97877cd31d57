// Package canonical is umli's vendor-neutral UM event schema (SCHEMA.md) and the vendor
// profiles (YAML) that map another platform's JSON field names and values onto it, so a
// new platform needs configuration, not code.
//
// A JSON event is flattened into dotted field names ("MessageInfo.0.CallerAni"); a
// profile renames fields and maps values onto canonical ones; Parse then reads the
// canonical fields into an Event with ETSI enumeration values.
package canonical
