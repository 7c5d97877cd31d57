package x1

import (
	"errors"
	"fmt"
)

// Code is an X1 errorCode (ErrorInformation, clause 6.7). The values are TS 103 221-1's
// table 6.7-3 (1000 generic, 1010 syntax/schema, 1020 version, 1080 unsupported request,
// 2010/2020 XID exists / does not exist, 2030/2040 DID exists / does not exist, 3000/3001
// ActivateTask/ModifyTask refused). Where the
// table has one code for several of umli's reasons, the reasons share it and the
// errorDescription names which one (field and rule, never a target identity).
type Code int

// Error codes umli answers with.
const (
	CodeGeneric            Code = 1000 // generic error (NE-side failure)
	CodeSyntax             Code = 1010 // syntax or schema error
	CodeVersion            Code = 1020 // unsupported version
	CodeUnsupportedRequest Code = 1080 // unsupported request
	CodeXIDExists          Code = 2010 // XID already exists on the NE
	CodeXIDUnknown         Code = 2020 // XID does not exist on the NE
	CodeDIDExists          Code = 2030 // DID already exists on the NE
	CodeDIDUnknown         Code = 2040 // DID does not exist on the NE
	CodeActivateFailed     Code = 3000 // ActivateTask refused: the description says why
	CodeModifyFailed       Code = 3001 // ModifyTask refused: the description says why

	// umli's reasons, each mapped onto the table's code.
	CodeTooLarge          = CodeSyntax         // request over the size, depth or element limits
	CodeBadIdentifier     = CodeSyntax         // malformed XId, DId or transaction id
	CodeBadDestination    = CodeSyntax         // destination details malformed
	CodeLIIDInUse         = CodeActivateFailed // LIID already used by another task
	CodeUnsupportedTarget = CodeActivateFailed // target identifier type umli cannot intercept
	CodeBadTarget         = CodeActivateFailed // target identifier value does not parse
	CodeBadMediation      = CodeActivateFailed // mediation details missing or inconsistent
	CodeDIDUnknownForTask = CodeActivateFailed // task names a destination that does not exist
	// RemoveDestination while tasks deliver to it: table 6.7-3's in-use code (8010) is
	// RemoveAllDestinations'; umli answers generic with a description naming the task.
	CodeDIDInUse = CodeGeneric
	CodeStorage  = CodeGeneric // task store unavailable
)

// wireCode is the code sent for code in answer to a request of type rmt: a task refusal
// is 3000 for ActivateTask and 3001 for ModifyTask.
func wireCode(code Code, rmt string) Code {
	if code == CodeActivateFailed && rmt == string(ModifyTask) {
		return CodeModifyFailed
	}
	return code
}

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
