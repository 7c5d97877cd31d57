package pipeline

import (
	"context"

	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/feed"
)

// durableHandler hands events to the adapter so that their records are durable (in the
// handover queue) when it returns: for transports that acknowledge upstream (a JSON line
// that asked for ack, a webhook's 2xx).
func durableHandler(ctx context.Context, ad *adapter.Adapter) feed.Handler {
	durable := context.WithValue(ctx, durableKey{}, true)
	return func(e *feed.Event) error { return ad.Handle(durable, e) }
}
