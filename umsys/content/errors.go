package content

import "errors"

// Error classes; every error Stream returns wraps one of them, so callers can count
// failures by kind without looking at (identity-bearing) locations.
var (
	ErrOutsideRoots = errors.New("content location outside the configured content roots")
	ErrNotFound     = errors.New("content not found")
	ErrTooLarge     = errors.New("content larger than the size limit")
	ErrFetch        = errors.New("content fetch failed")
	ErrTimeout      = errors.New("content fetch timed out")
	ErrScheme       = errors.New("content location is neither an absolute path nor an http/https URL")
)

// Kind names the class of err for metrics ("outside_roots", "too_large", …).
func Kind(err error) string {
	switch {
	case errors.Is(err, ErrOutsideRoots):
		return "outside_roots"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrScheme):
		return "scheme"
	case errors.Is(err, ErrFetch):
		return "fetch"
	}
	return "other"
}
