//go:build unix

package main

import "syscall"

// raiseNOFILE raises the soft RLIMIT_NOFILE to the hard limit and returns the result.
// (Go's runtime does the same at start since 1.19; doing it here keeps umli's budget
// right whatever runtime or GODEBUG setting it runs under.)
func raiseNOFILE() (cur, hard uint64, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	if lim.Cur < lim.Max {
		raised := syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return lim.Cur, lim.Max, err
		}
		lim = raised
	}
	return lim.Cur, lim.Max, nil
}
