// Package repo holds checks on the repository itself (run by `make test`): no tracked file
// over 1 MiB except the fixtures listed in its test, no tracked build output, and no
// import against the layering (Rules: sources -> mediation -> handover, simulators, proof
// and cmd above).
package repo
