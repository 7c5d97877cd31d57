package etsi

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// The codec is table-driven: every SEQUENCE umli models has one seqType (its fields by
// context tag: ASN.1 identifier, mandatory or not, how the value decodes, which
// constraint it must meet, how it is written as JSON) and every CHOICE one choiceType.
// seqType.decode, choiceType.decode and decodeList are the only loops over a type's
// children when decoding, writeJSON (json.go) when writing JSON. Elements are handed to
// the field functions by value: they are called through the table, so a pointer to a
// loop variable would escape and cost an allocation per field.

// fieldDec decodes one field's element into the value being built.
type fieldDec[T any] func(d *dec, c ber.Element, x *T) error

// field is one component of a SEQUENCE (tag is its IMPLICIT context tag number).
type field[T any] struct {
	tag      uint32
	name     string
	required bool
	dec      fieldDec[T]
	// check, when set, tests the decoded value against its ASN.1 constraint.
	check func(x *T) error
	// json writes the field (nothing when absent); see json.go.
	json fieldJSON[T]
}

// seqType is the field table of one SEQUENCE, indexed by tag number.
type seqType[T any] struct {
	fields   []field[T]
	required uint64 // bit n: tag n is mandatory
	// post, when set, checks the whole value once every field is in (a constraint between
	// fields); at names the field the error belongs to.
	post func(x *T) (at string, err error)
}

// sequence builds a SEQUENCE's table. Tags must be below 64 (the seen-set is one word);
// the tables are fixed in this package and TestFieldTables checks them.
func sequence[T any](post func(*T) (string, error), fs ...field[T]) *seqType[T] {
	n := uint32(0)
	for _, f := range fs {
		n = max(n, f.tag+1)
	}
	t := &seqType[T]{fields: make([]field[T], n), post: post}
	for _, f := range fs {
		t.fields[f.tag] = f
		if f.required {
			t.required |= 1 << f.tag
		}
	}
	return t
}

// decode reads the SEQUENCE e into x. Tags must increase (BER keeps SEQUENCE order); a tag
// above the table is an extension addition of a newer version and is skipped; a tag within
// it that the type does not have is an error; a missing mandatory field is an error.
func (t *seqType[T]) decode(d *dec, e *ber.Element, x *T) error {
	r, err := e.Children()
	if err != nil {
		return err
	}
	maxKnown := len(t.fields) - 1
	last := -1
	var seen uint64
	var c ber.Element
	for !r.Empty() {
		if err := r.NextInto(&c); err != nil {
			return err
		}
		if c.Tag.Class != ber.Context {
			return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: "found " + c.Tag.String() + ", expected a context tag"}
		}
		n := int(c.Tag.Number)
		if n <= last {
			return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: fmt.Sprintf("[%d] repeated or out of order after [%d]", n, last)}
		}
		last = n
		if n > maxKnown {
			continue
		}
		f := &t.fields[n]
		if f.dec == nil {
			return unexpected(&c)
		}
		seen |= 1 << n
		err := f.dec(d, c, x)
		if err == nil && f.check != nil {
			err = atOff(&c, f.check(x))
		}
		if err != nil {
			return decWrap(err, f.name, c.Offset)
		}
	}
	if missing := t.required &^ seen; missing != 0 {
		n := bits.TrailingZeros64(missing)
		name := t.fields[n].name
		return &DecodeError{Offset: e.Offset, Path: name, Err: fmt.Errorf("%w: [%d] %s", ErrMissing, n, name)}
	}
	if t.post != nil {
		if at, err := t.post(x); err != nil {
			return decWrap(atOff(e, err), at, e.Offset)
		}
	}
	return nil
}

// decodeConstructed is decode for a field whose element must be constructed.
func (t *seqType[T]) decodeConstructed(d *dec, e *ber.Element, x *T) error {
	if err := form(e, true); err != nil {
		return err
	}
	return t.decode(d, e, x)
}

// decodeElem decodes one element of a SEQUENCE OF: a universal SEQUENCE.
func (t *seqType[T]) decodeElem(d *dec, c ber.Element, x *T) error {
	if err := c.Expect(ber.Sequence()); err != nil {
		return err
	}
	return t.decode(d, &c, x)
}

// Fields of the kinds most types share, given where the value lives in T.

// enumField is a mandatory ENUMERATED.
func enumField[T any, E enumType](tag uint32, name string, at func(*T) *E) field[T] {
	return field[T]{tag: tag, name: name, required: true,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = decEnum[E](&c); return },
		json: func(w *jw, k string, x *T) { w.str(k, (*at(x)).String()) },
	}
}

// optEnumField is an OPTIONAL ENUMERATED.
func optEnumField[T any, E enumType](tag uint32, name string, at func(*T) **E) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = enumPtr[E](d, &c); return },
		json: func(w *jw, k string, x *T) { optEnum(w, k, *at(x)) },
	}
}

// timeField is an OPTIONAL GeneralizedTime.
func timeField[T any](tag uint32, name string, at func(*T) **time.Time) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = d.primTime(&c); return },
		json: func(w *jw, k string, x *T) { opt(w, k, *at(x), (*jw).time) },
	}
}

// microField is an OPTIONAL MicroSecondTimeStamp.
func microField[T any](tag uint32, name string, at func(*T) **MicroSecondTimeStamp) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = decodeMicro(d, &c); return },
		json: func(w *jw, k string, x *T) { optObject(w, k, microType, *at(x)) },
	}
}

// u32Field is an OPTIONAL INTEGER (0..4294967295).
func u32Field[T any](tag uint32, name string, at func(*T) **uint32) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = d.u32p(&c); return },
		json: func(w *jw, k string, x *T) { optUint(w, k, *at(x)) },
	}
}

// octetsField is an OPTIONAL OCTET STRING whose empty value the model shows as absent.
func octetsField[T any](tag uint32, name string, at func(*T) *[]byte) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = d.bytes(&c); return },
		json: func(w *jw, k string, x *T) { optOctets(w, k, *at(x)) },
	}
}

// objIDField is the mandatory RELATIVE-OID that names an EmailPDU structure (kind: its
// last arc); a nil ObjID in the model is left out of JSON (the encoder fills it).
func objIDField[T any](tag uint32, name string, kind uint32, at func(*T) *OID) field[T] {
	return field[T]{tag: tag, name: name, required: true,
		dec:   func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = d.relOID(&c); return },
		check: func(x *T) error { return objIDShape(*at(x), kind) },
		json:  func(w *jw, k string, x *T) { optOID(w, k, *at(x)) },
	}
}

// enumAlt is a CHOICE alternative that is an ENUMERATED (name "" takes the choice's list).
func enumAlt[T any, E enumType](tag uint32, name string, at func(*T) **E) alt[T] {
	return alt[T]{tag: tag, name: name, form: primitive,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = enumPtr[E](d, &c); return },
		json: func(w *jw, k string, x *T) { optEnum(w, k, *at(x)) },
	}
}

// Form an alternative's element must have.
type elemForm uint8

const (
	anyForm elemForm = iota
	primitive
	constructed
)

// alt is one alternative of a CHOICE.
type alt[T any] struct {
	tag   uint32
	name  string // "" in a table built by choiceNamed: the name list supplies it
	form  elemForm
	dec   fieldDec[T]
	check func(x *T) error
	json  fieldJSON[T]
}

// choiceType is the alternative table of one CHOICE, indexed by tag number.
type choiceType[T any] struct {
	name string // ASN.1 type name, for "unsupported alternative" errors
	alts []alt[T]
	// which is the tag of the alternative x holds, -1 for none (or several).
	which func(x *T) int
}

// choice builds a CHOICE's table.
func choice[T any](name string, which func(*T) int, as ...alt[T]) *choiceType[T] {
	return choiceNamed(name, nil, which, as...)
}

// choiceNamed is choice for a type whose alternative names are listed by tag elsewhere
// (the encoder's name table): an alternative without a name takes names[tag].
func choiceNamed[T any](name string, names []string, which func(*T) int, as ...alt[T]) *choiceType[T] {
	n := uint32(0)
	for _, a := range as {
		n = max(n, a.tag+1)
	}
	t := &choiceType[T]{name: name, alts: make([]alt[T], n), which: which}
	for _, a := range as {
		if a.name == "" && int(a.tag) < len(names) {
			a.name = names[a.tag]
		}
		t.alts[a.tag] = a
	}
	return t
}

// decode reads the CHOICE wrapper e (constructed, exactly one alternative) into x.
func (t *choiceType[T]) decode(d *dec, e *ber.Element, x *T) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	return t.decodeElem(d, c, x)
}

// decodeElem decodes the alternative c into x: c is the CHOICE itself (an element of a
// SEQUENCE OF CHOICE, or the content of a wrapper).
func (t *choiceType[T]) decodeElem(d *dec, c ber.Element, x *T) error {
	if c.Tag.Class != ber.Context {
		return unexpected(&c)
	}
	n := c.Tag.Number
	if int(n) >= len(t.alts) || t.alts[n].dec == nil {
		return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: t.name + " alternative " + c.Tag.String()}
	}
	a := &t.alts[n]
	var err error
	switch a.form {
	case primitive:
		err = form(&c, false)
	case constructed:
		err = form(&c, true)
	case anyForm: // either form: the alternative's decoder checks it
	}
	if err == nil {
		err = a.dec(d, c, x)
	}
	if err == nil && a.check != nil {
		err = atOff(&c, a.check(x))
	}
	return wrapField(err, a.name, &c)
}

// elemDecoder decodes one element of a SEQUENCE OF (seqType, choiceType, or a leaf).
type elemDecoder[E any] interface {
	decodeElem(d *dec, c ber.Element, x *E) error
}

// decodeList reads the SEQUENCE OF / SET OF e, appending to out (which the caller sizes,
// empty, with unwritten spare capacity);
// more than maxN elements (maxN > 0) violates the type's SIZE constraint.
func decodeList[E any](d *dec, e *ber.Element, out []E, el elemDecoder[E], maxN int) ([]E, error) {
	r, err := e.Children()
	if err != nil {
		return nil, err
	}
	var c ber.Element
	for i := 0; !r.Empty(); i++ {
		if err := r.NextInto(&c); err != nil {
			return nil, decIdx(err, "", i, r.Offset())
		}
		if maxN > 0 && i == maxN {
			return nil, decIdx(atOff(&c, ErrConstraint), "", i, c.Offset)
		}
		// Spare capacity of a slice from make, append or a bundle is zero, and no caller
		// passes one whose tail was written, so reslicing yields a zero element; appending
		// a generic zero E instead is a typedmemmove, with write barriers while the GC runs.
		if len(out) < cap(out) {
			out = out[:len(out)+1]
		} else {
			var zero E
			out = append(out, zero)
		}
		if err := el.decodeElem(d, c, &out[i]); err != nil {
			return nil, decIdx(err, "", i, c.Offset)
		}
	}
	return out, nil
}

// form checks primitive/constructed for a field.
func form(c *ber.Element, constructed bool) error {
	if c.Tag.Constructed != constructed {
		want := "primitive"
		if constructed {
			want = "constructed"
		}
		return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: fmt.Sprintf("%s must be %s", c.Tag, want)}
	}
	return nil
}

// only returns the single child of a CHOICE wrapper, rejecting zero or several.
func only(e *ber.Element) (ber.Element, error) {
	r, err := e.Children()
	if err != nil {
		return ber.Element{}, err
	}
	if r.Empty() {
		return ber.Element{}, &ber.Error{Offset: e.Offset, Err: ErrChoice, Detail: "empty CHOICE"}
	}
	c, err := r.Next()
	if err != nil {
		return c, err
	}
	if !r.Empty() {
		return c, &ber.Error{Offset: r.Offset(), Err: ErrTrailing, Detail: "more than one CHOICE alternative"}
	}
	return c, nil
}

func unexpected(c *ber.Element) error {
	return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: c.Tag.String()}
}

func wrapField(err error, name string, c *ber.Element) error {
	if err == nil {
		return nil
	}
	return decWrap(err, name, c.Offset)
}

type enumType interface {
	~int
	valid() bool
	String() string
}

func decEnum[T enumType](c *ber.Element) (T, error) {
	n, err := c.Int64()
	if err != nil {
		return 0, err
	}
	x := T(n)
	if int64(x) != n || !x.valid() {
		return 0, &ber.Error{Offset: c.Offset, Err: ErrUnknownEnum, Detail: fmt.Sprintf("value %d", n)}
	}
	return x, nil
}

// atOff attaches c's offset to a plain error (constraint checks shared with the encoder).
func atOff(c *ber.Element, err error) error {
	if err == nil {
		return nil
	}
	return &ber.Error{Offset: c.Offset, Err: err}
}
