package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/feed"
)

// readAMI reads AMI packets with the transports' stream splitter; a leading
// "Asterisk Call Manager/" banner and Response packets are skipped.
func readAMI(data []byte, source string, received time.Time, add func(*feed.Event, int64)) error {
	banner := bytes.HasPrefix(data, []byte("Asterisk Call Manager/"))
	st := ami.NewStream(ami.Limits{}, banner)
	err := st.Write(data, func(b *ami.Block) error {
		if b.Err != nil {
			return errAt(data, b.Offset, b.Err)
		}
		switch b.Kind {
		case ami.KindEvent:
			add(&feed.Event{Dialect: feed.Asterisk, Source: source, Headers: b.Headers, Raw: b.Raw, Received: received}, b.Offset)
		case ami.KindBanner, ami.KindResponse:
		case ami.KindOther:
			return errAt(data, b.Offset, fmt.Errorf("AMI packet is neither an Event nor a Response"))
		}
		return nil
	})
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			return te
		}
		return errAt(data, int64(len(data)-st.Pending()), err)
	}
	if st.Pending() > 0 {
		// A final packet without its empty line is still complete for a transcript
		// (one event pasted by hand); feed it the terminator.
		rest := int64(len(data) - st.Pending())
		var inner error
		err := st.Write([]byte("\r\n\r\n"), func(b *ami.Block) error {
			if b.Err != nil {
				inner = errAt(data, rest, b.Err)
				return inner
			}
			if b.Kind == ami.KindEvent {
				add(&feed.Event{Dialect: feed.Asterisk, Source: source, Headers: b.Headers, Raw: b.Raw, Received: received}, rest)
			}
			return nil
		})
		if inner != nil {
			return inner
		}
		if err != nil {
			return errAt(data, rest, err)
		}
	}
	return nil
}
