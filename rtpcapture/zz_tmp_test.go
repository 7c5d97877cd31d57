package rtpcapture_test

import (
	"os"
	"strconv"
)

func init() {
	if v, err := strconv.Atoi(os.Getenv("LEGS")); err == nil {
		benchLegs = v
	}
}
