// Package adapter ties UM feeds to mediation: transports hand it raw events
// (feed.Handler), it runs the dialect's translator, submits the IRI records to a
// record.Sink and, for events with content (TS 102 232-2 Table 5), fetches the content
// and submits it as MessagingCC chunks sharing the IRI's EventKey.
//
// Logs name the dialect, source, rule and error class only: never identities, paths,
// URLs or PINs.
package adapter
