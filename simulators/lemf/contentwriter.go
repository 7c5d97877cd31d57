package lemf

import (
	"bytes"
	"sync"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
)

// contentQueue bounds the CC payloads waiting for the content writer; a full queue holds
// the connection handlers back (nothing is dropped).
const contentQueue = 4096

// contentJob is one CC payload for the content store, or (barrier set) a request to be
// told when every job before it is done.
type contentJob struct {
	log     zerolog.Logger
	ck      cinKey
	msg     *etsi.MessagingCC
	email   *etsi.EmailCC
	barrier chan struct{}
}

// contentWriter owns the content store: reassembling content means creating a file per
// stream, a syscall that costs hundreds of microseconds on a busy disk. Done by the
// connection handler, it held every PDU behind it in the socket (and, under the LEMF's
// lock, the other interface's too), which is receive latency the LEMF itself added. Jobs
// keep the order in which the handlers accepted their PDUs.
type contentWriter struct {
	store *contentStore
	jobs  chan contentJob
	done  chan struct{}
	// mu orders sync's barrier against stop's close of jobs: a sync that comes after
	// (or during) stop waits for the writer to finish instead of sending on a closed channel.
	mu      sync.Mutex
	stopped bool
}

func startContentWriter(store *contentStore) *contentWriter {
	w := &contentWriter{store: store, jobs: make(chan contentJob, contentQueue), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *contentWriter) run() {
	defer close(w.done)
	for j := range w.jobs {
		var err error
		switch {
		case j.barrier != nil:
			close(j.barrier)
			continue
		case j.msg != nil:
			err = w.store.addMessaging(j.ck, j.msg)
		case j.email != nil:
			err = w.store.addEmail(j.ck, j.email)
		}
		if err != nil {
			j.log.Error().Err(err).Msg("content not reassembled")
		}
	}
}

// add queues the content of cc. The bytes are copied: the frame they were decoded from
// is reused for the next PDU.
func (w *contentWriter) add(log zerolog.Logger, ck cinKey, cc []etsi.CCPayload) {
	for i := range cc {
		switch c := cc[i].Contents; {
		case c.MessagingCC != nil:
			m := *c.MessagingCC
			m.Content = bytes.Clone(m.Content)
			w.jobs <- contentJob{log: log, ck: ck, msg: &m}
		case c.EmailCC != nil:
			e := *c.EmailCC
			e.Content = bytes.Clone(e.Content)
			w.jobs <- contentJob{log: log, ck: ck, email: &e}
		}
	}
}

// sync returns once every job queued before it is done.
func (w *contentWriter) sync() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		<-w.done
		return
	}
	b := make(chan struct{})
	w.jobs <- contentJob{barrier: b} // the writer drains jobs without mu: this send ends
	w.mu.Unlock()
	<-b
}

// stop finishes the queued jobs and ends the writer; add must not be called afterwards.
func (w *contentWriter) stop() {
	w.mu.Lock()
	if !w.stopped {
		w.stopped = true
		close(w.jobs)
	}
	w.mu.Unlock()
	<-w.done
}
