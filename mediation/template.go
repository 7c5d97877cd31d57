package mediation

import (
	"sync"

	"github.com/umli/umli/mediation/etsi"
)

// maxTemplates bounds the header template cache; past it the cache starts over (the
// entries are cheap to build again, and LIIDs and network elements come and go).
const maxTemplates = 4096

// tmplKey names a header template: everything in a PS-PDU header but the CIN, sequence
// number and time stamps comes from the destination, the LIID and the network element.
type tmplKey struct {
	dest     *Destination
	liid, ne string
}

// headerTemplates caches the etsi.CINTemplate of each (destination, LIID, network
// element), so that a PDU's header costs the per-PDU fields only.
type headerTemplates struct {
	mu sync.RWMutex
	m  map[tmplKey]*etsi.CINTemplate
}

// get is the template for p's header, built on first use; nil when the header does not
// encode as configured (the full encoder then conforms it or names the error).
func (t *headerTemplates) get(p *pduParams) *etsi.CINTemplate {
	k := tmplKey{dest: p.dest, liid: p.liid, ne: p.ne}
	t.mu.RLock()
	tmpl, ok := t.m[k]
	t.mu.RUnlock()
	if ok {
		return tmpl
	}
	d := p.dest
	tmpl, err := etsi.NewCINTemplate(etsi.PSHeader{
		LIID:                     p.liid,
		AuthorizationCountryCode: d.CountryCode,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier:   etsi.NetworkIdentifier{OperatorIdentifier: d.Operator, NetworkElementIdentifier: p.ne},
			DeliveryCountryCode: d.DeliveryCountryCode,
		},
		TimeStampQualifier: d.Qualifier,
	}, d.Version, d.Precision)
	if err != nil {
		tmpl = nil
	}
	t.mu.Lock()
	if t.m == nil || len(t.m) >= maxTemplates {
		t.m = make(map[tmplKey]*etsi.CINTemplate)
	}
	t.m[k] = tmpl
	t.mu.Unlock()
	return tmpl
}
