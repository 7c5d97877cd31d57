package pipeline

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/umsys/cuni"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/jsonfeed"
)

// startCUNI serves the Cisco Unity Connection Notifier callbacks: the webhook's
// listener, TLS, auth and durability path with the CUNI XML parser. Connection
// authenticates callbacks with HTTP Basic, the password being the token.
func startCUNI(ctx context.Context, g *group, ls []config.WebhookFile, h feed.Handler, fm *feed.Metrics, red *secret.Redactor, log zerolog.Logger) error {
	for _, w := range ls {
		src := w.Source
		err := startWebhook(ctx, g, w, h, fm, red, log, func(c *jsonfeed.WebhookConfig) {
			c.Parse = func(body []byte) ([]*feed.Event, error) { return cuni.Events(body, src, time.Now()) }
			c.MediaTypes = []string{"text/xml", "application/xml"}
			c.Dialect = feed.CUNI
			c.Basic = true
		})
		if err != nil {
			return err
		}
	}
	return nil
}
