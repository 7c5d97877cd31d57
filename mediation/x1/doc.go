// Package x1 provisions umli over ETSI TS 103 221-1 X1: an HTTPS server with mutual TLS
// (the ADMF's client certificate is the only credential) that accepts task and
// destination requests, keeps them in Redis with target identities sealed by
// mediation/secret, audits every request, and a Watcher through which every umli
// instance sees the resulting warrant set within a second of a change.
//
// What flows in: X1Request documents (POST, application/xml) from the ADMF. What flows
// out: X1Response documents, audit entries, and []*warrant.Warrant for mediation.
//
// Mapping to warrants: each mediationDetails of a task becomes one warrant.Warrant with
// the task's target identifiers, LIID, StartTime/EndTime as the window, HI2Only as
// ScopeIRI and HI2andHI3 as ScopeIRICC, and the single destination (its friendlyName,
// else its DId) as Destination. HI3Only is refused: mediation has no content-only scope.
// The warrant carries the task's XID, and the destination's deliveryType narrows what
// reaches it: X2Only IRI only, X3Only CC only (IRI numbered, not handed over), X2andX3
// both. Whether that is HI2/HI3 or TS 103 221-2 X2/X3 is the configured destination's
// interface (hi2hi3 | x2x3), which the friendlyName names.
package x1
