package x1

import (
	"errors"
	"fmt"
)

// Code is an X1 errorCode (ErrorInformation, clause 6.7). TS 103 221-1 leaves the code
// values to the implementation; umli's are grouped: 1xxx request level, 2xxx tasks,
// 3xxx destinations, 5xxx NE-internal.
type Code int

// Error codes umli answers with.
const (
	CodeGeneric            Code = 1000 // unspecified NE-side failure
	CodeSyntax             Code = 1001 // request not well-formed or not valid for the schema
	CodeVersion            Code = 1002 // unsupported X1 version
	CodeUnsupportedRequest Code = 1003 // request type umli does not implement
	CodeTooLarge           Code = 1004 // request over the size, depth or element limits
	CodeBadIdentifier      Code = 1005 // malformed XId, DId or transaction id
	CodeXIDExists          Code = 2001 // ActivateTask for an XId that exists
	CodeXIDUnknown         Code = 2002 // Modify/Deactivate/Get for an unknown XId
	CodeLIIDInUse          Code = 2003 // LIID already used by another task
	CodeUnsupportedTarget  Code = 2004 // target identifier type umli cannot intercept
	CodeBadTarget          Code = 2005 // target identifier value does not parse
	CodeBadMediation       Code = 2006 // mediation details missing or inconsistent
	CodeDIDUnknownForTask  Code = 2007 // task names a destination that does not exist
	CodeDIDExists          Code = 3001 // CreateDestination for a DId that exists
	CodeDIDUnknown         Code = 3002 // Modify/Remove/Get for an unknown DId
	CodeDIDInUse           Code = 3003 // RemoveDestination while tasks deliver to it
	CodeBadDestination     Code = 3004 // destination details malformed
	CodeStorage            Code = 5001 // task store unavailable
)

// Error is a request failure that becomes an X1 ErrorResponse. Its message never holds a
// target identity: it names the field and the rule instead.
type Error struct {
	Code Code
	Msg  string
	Err  error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("x1 error %d: %s: %v", e.Code, e.Msg, e.Err)
	}
	return fmt.Sprintf("x1 error %d: %s", e.Code, e.Msg)
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// codeOf returns the X1 code for err (CodeGeneric for errors that are not *Error).
func codeOf(err error) (Code, string) {
	var xe *Error
	if errors.As(err, &xe) {
		return xe.Code, xe.Msg
	}
	return CodeGeneric, "internal error"
}
