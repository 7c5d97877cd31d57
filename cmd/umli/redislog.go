package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
)

// redisLogger routes go-redis's internal messages (pool dial failures and the like) into
// the structured log at debug level; mediation and handover report the same conditions
// themselves, once, with context.
type redisLogger struct{ log zerolog.Logger }

// Printf implements go-redis's internal logging interface.
func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Debug().Str("component", "go-redis").Msg(fmt.Sprintf(format, v...))
}
