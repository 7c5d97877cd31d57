// Package benchcpu reads the process's CPU time for benchmarks. They report
// events per CPU second next to wall-clock rates because, on a shared machine,
// wall-clock rates measure the neighbours too.
package benchcpu
