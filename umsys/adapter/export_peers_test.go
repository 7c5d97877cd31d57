package adapter

import (
	"context"
	"time"

	"github.com/umli/umli/umsys/translate"
)

// expireAt runs one idle-expiry tick at now, as Run's ticker does.
func expireAt(a *Adapter, now time.Time) {
	a.each(context.Background(), func(tr translate.Translator, dst []translate.Output) []translate.Output {
		return tr.Expire(dst, now)
	})
}
