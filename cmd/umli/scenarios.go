package main

import "github.com/umli/umli/mediation/demo"

// demoScenarios is what `umli demo` (and `make demo`) runs, in order. Each source plugs
// its simulator in here as a demo.Scenario: a function that feeds records into mediation
// (for example by driving its adapter against its simulator) and returns when done.
func demoScenarios() []demo.Scenario {
	return demo.Builtin()
}
