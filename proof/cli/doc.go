// Package cli proves the command-line conventions of every umli binary (its test builds
// them): -h/--help on every command and subcommand prints usage to stdout and exits 0, a
// bad flag prints usage to stderr and exits 2, and `umli version` names the module and
// the VCS revision it was built from.
package cli
