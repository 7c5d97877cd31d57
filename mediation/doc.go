// Package mediation turns source-neutral intercept records into PS-PDUs: it matches
// records to warrants, allocates CINs, event-identifiers and sequence numbers (in Redis,
// shared by every umli instance), derives iRIType, and hands encoded PDUs to handover.
package mediation
