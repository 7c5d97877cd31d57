package audit

import (
	"fmt"
	"io"
	"os"
)

// VerifyMain implements `umli audit verify FILE…`: it prints one line per file and
// returns 0 when every file verifies, 1 when one does not, 2 on a usage error.
func VerifyMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "verify" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: umli audit verify FILE...")
		return 2
	}
	rc := 0
	for _, path := range args {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			rc = 1
			continue
		}
		res, err := Verify(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "%s: FAIL: %v\n", path, err)
			rc = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: OK: %d entries, head %s\n", path, res.Entries, res.Head)
	}
	return rc
}
