package main

import "github.com/umli/umli/internal/demo"

// demoScenarios is what `umli demo` (and `make demo`) runs, in order: the UM platform
// simulator through the ESL/AMI clients and the UM adapter, the e-mail proxy with the
// mailsim examples, and a non-target record that must be dropped (see demo.Default).
func demoScenarios() []demo.Scenario {
	return demo.Default()
}
