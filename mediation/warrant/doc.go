// Package warrant holds the warrants mediation intercepts under and matches intercept
// records against them: identities are normalized once (E.164 with or without '+' or
// "00", case-insensitive e-mail addresses, SIP URIs reduced to user@host, tel: URIs to
// digits) so that a lookup is one map access per identity.
package warrant
