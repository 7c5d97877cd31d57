// Package translate turns raw UM platform events (feed.Event) into intercept records
// (record.Record) carrying TS 102 232-2 MessagingIRI.
//
// Real platforms emit far less than clause 8 asks for, so each dialect translator keeps
// bounded per-call state (keyed by the platform's call/channel id) and infers the missing
// events — retrieve from playback, save/delete from TUI key presses confirmed by the next
// message-waiting update, slamdown from a recording that no deposit followed, logout
// versus disconnect from how the voicemail application ended. Events that concern a
// party but cannot be translated become MessagingIRI with status unknown and the raw
// bytes in original-message; warrant matching is mediation's job, so every record
// carries the identities it concerns.
//
// Translators never log and never keep anything about an event beyond what the
// inference needs; state expires after an idle timeout and is bounded in size.
package translate
