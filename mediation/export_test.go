package mediation

import "github.com/umli/umli/mediation/record"

// TestHooks are the pipeline's test seams, for the integration tests: each is called
// with the records at that point (none for a window-close step).
type TestHooks struct {
	// BeforeStep runs in a worker before a batch of records is numbered.
	BeforeStep func(rs []*record.Record)
	// BeforeDeliver runs in a worker's deliverer before a numbered batch is queued.
	BeforeDeliver func(rs []*record.Record)
	// EndNumbered runs once a window close's iRI-End for liid got its number.
	EndNumbered func(liid string)
}

// SetTestHooks installs h; call it before Run.
func SetTestHooks(m *Mediator, h TestHooks) {
	recs := func(jobs []*job) []*record.Record {
		var rs []*record.Record
		for _, j := range jobs {
			if j.ctl == nil {
				rs = append(rs, &j.r)
			}
		}
		return rs
	}
	if h.BeforeStep != nil {
		m.hooks.beforeStep = func(jobs []*job) { h.BeforeStep(recs(jobs)) }
	}
	if h.BeforeDeliver != nil {
		m.hooks.beforeDeliver = func(st *stepped) { h.BeforeDeliver(recs(st.jobs)) }
	}
	m.hooks.endNumbered = h.EndNumbered
}
