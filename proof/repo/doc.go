// Package repo holds checks on the repository itself (run by `make test`): no tracked file
// over 1 MiB except the fixtures listed in its test, and no tracked build output.
package repo
