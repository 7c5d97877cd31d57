// Package conformance holds the test that keeps CONFORMANCE.md (the TS 102 232-2
// requirement matrix at the module root) honest: every row has an allowed status, every
// "met" row cites a test, and every cited test exists in the package it names.
package conformance
