//go:build !unix

package main

import "errors"

// raiseNOFILE: no RLIMIT_NOFILE on this system.
func raiseNOFILE() (cur, hard uint64, err error) {
	return 0, 0, errors.New("no RLIMIT_NOFILE on this system")
}
