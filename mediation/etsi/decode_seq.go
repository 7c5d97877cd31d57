package etsi

import (
	"fmt"

	"github.com/umli/umli/mediation/etsi/ber"
)

// seq walks the fields of a SEQUENCE with IMPLICIT context tags: tags must increase (BER
// keeps SEQUENCE order), known tags are handed to the caller, tags above the highest known
// one are extension additions from newer versions and are skipped.
type seq struct {
	r        ber.Reader
	end      int // offset of the SEQUENCE, for "missing field" errors
	last     int
	maxKnown uint32
	seen     uint64
}

func newSeq(e *ber.Element, maxKnown uint32) (seq, error) {
	r, err := e.Children()
	if err != nil {
		return seq{}, err
	}
	return seq{r: r, end: e.Offset, last: -1, maxKnown: maxKnown}, nil
}

// next reads the next known field into c; ok is false at the end. Unknown extensions
// are skipped. c is filled in place rather than returned: an Element is copied for
// every field, and the copies showed in profiles.
func (s *seq) next(c *ber.Element) (bool, error) {
	for !s.r.Empty() {
		if err := s.r.NextInto(c); err != nil {
			return false, err
		}
		if c.Tag.Class != ber.Context {
			return false, &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: "found " + c.Tag.String() + ", expected a context tag"}
		}
		n := int(c.Tag.Number)
		if n <= s.last {
			return false, &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: fmt.Sprintf("[%d] repeated or out of order after [%d]", n, s.last)}
		}
		s.last = n
		if c.Tag.Number > s.maxKnown {
			continue
		}
		s.seen |= 1 << c.Tag.Number
		return true, nil
	}
	return false, nil
}

// require reports the first mandatory field (by tag, with names) that was not seen.
func (s *seq) require(names map[uint32]string, tags ...uint32) error {
	for _, t := range tags {
		if s.seen&(1<<t) == 0 {
			return &DecodeError{Offset: s.end, Path: names[t], Err: fmt.Errorf("%w: [%d] %s", ErrMissing, t, names[t])}
		}
	}
	return nil
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

type enumType interface {
	~int
	valid() bool
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
