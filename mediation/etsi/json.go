package etsi

import (
	"fmt"
)

// JSON renders p as one JSON object: keys are the ASN.1 identifiers in ASN.1 order,
// enumerations their identifiers, a CHOICE an object with one key. See JSON.md for the rules
// (OIDs, times, octet strings, identities). Absent optional fields are left out. An object
// identifier left nil in the model (to be filled by the encoder) is left out as well.
//
// The keys and their order come from the decoder's field tables (decode_*.go): each field
// there says how it is written, so a type's names are spelled once.
func (p *PSPDU) JSON() ([]byte, error) {
	w := &jw{b: make([]byte, 0, 512)}
	w.b = append(w.b, '{')
	psPDUType.writeJSON(w, p)
	w.b = append(w.b, '}')
	if w.err != nil {
		return nil, fmt.Errorf("etsi: JSON: %s: %w", w.errPath, w.err)
	}
	return w.b, nil
}

// fieldJSON writes one field of x under key k, or nothing when it is absent.
type fieldJSON[T any] func(w *jw, k string, x *T)

// writeJSON writes x's fields, in tag order, as members of the open object.
func (t *seqType[T]) writeJSON(w *jw, x *T) {
	for i := range t.fields {
		f := &t.fields[i]
		if f.json == nil {
			continue
		}
		if f.json(w, f.name, x); w.err != nil {
			w.at(f.name)
			return
		}
	}
}

// writeJSON writes x's one alternative as the only member of the open object.
func (t *choiceType[T]) writeJSON(w *jw, x *T) {
	n := t.which(x)
	if n < 0 || n >= len(t.alts) || t.alts[n].json == nil {
		w.fail(ErrChoice)
		return
	}
	a := &t.alts[n]
	if a.json(w, a.name, x); w.err != nil {
		w.at(a.name)
	}
}

// jsonType is a seqType or choiceType.
type jsonType[T any] interface {
	writeJSON(w *jw, x *T)
}

// object writes x as the object k.
func object[T any](w *jw, k string, t jsonType[T], x *T) {
	w.open(k)
	t.writeJSON(w, x)
	w.close()
}

// list writes xs as the array k of objects.
func list[E any](w *jw, k string, t jsonType[E], xs []E) {
	w.openList(k)
	for i := range xs {
		w.openAnon()
		if t.writeJSON(w, &xs[i]); w.err != nil {
			w.at(fmt.Sprintf("[%d]", i))
			return
		}
		w.close()
	}
	w.closeList()
}

func optList[E any](w *jw, k string, t jsonType[E], xs []E) {
	if xs != nil {
		list(w, k, t, xs)
	}
}

// strList writes the array k of strings.
func strList(w *jw, k string, xs []string) {
	w.openList(k)
	for _, s := range xs {
		w.strElem(s)
	}
	w.closeList()
}

// The writers of optional fields: nothing when absent.

// opt writes *v with put (a jw method: (*jw).str, .int, .bool, .time).
func opt[V any](w *jw, k string, v *V, put func(w *jw, k string, v V)) {
	if v != nil {
		put(w, k, *v)
	}
}

// optUint writes an optional unsigned INTEGER.
func optUint[N uint8 | uint32](w *jw, k string, v *N) {
	if v != nil {
		w.uint(k, uint64(*v))
	}
}

func optEnum[E fmt.Stringer](w *jw, k string, v *E) {
	if v != nil {
		w.str(k, (*v).String())
	}
}

// optText is for a string model field whose "" means absent.
func optText(w *jw, k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

// optOctets is for an OCTET STRING whose empty value means absent.
func optOctets(w *jw, k string, b []byte) {
	if len(b) > 0 {
		w.octets(k, b)
	}
}

func optOID(w *jw, k string, o OID) {
	if o != nil {
		w.oid(k, o)
	}
}

func optObject[T any](w *jw, k string, t jsonType[T], x *T) {
	if x != nil {
		object(w, k, t, x)
	}
}

func optOctetsString(w *jw, k, v string) {
	if v != "" {
		w.octetsString(k, v)
	}
}

// optBytes is for an OCTET STRING whose nil means absent (a present empty one is written).
func optBytes(w *jw, k string, b []byte) {
	if b != nil {
		w.octets(k, b)
	}
}
