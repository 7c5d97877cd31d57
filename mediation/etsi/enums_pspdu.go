package etsi

// IRIType is the iRIType of an IRIPayload.
type IRIType int

// IRIType values.
const (
	IRIBegin    IRIType = 1
	IRIEnd      IRIType = 2
	IRIContinue IRIType = 3
	IRIReport   IRIType = 4
)

// TimeStampQualifier says what a time stamp measures.
type TimeStampQualifier int

// TimeStampQualifier values.
const (
	TimeStampUnknown        TimeStampQualifier = 0
	TimeStampOfInterception TimeStampQualifier = 1
	TimeStampOfMediation    TimeStampQualifier = 2
	TimeStampOfAggregation  TimeStampQualifier = 3
)

// PayloadDirection is the direction of content relative to the target.
type PayloadDirection int

// PayloadDirection values.
const (
	DirectionFromTarget    PayloadDirection = 0
	DirectionToTarget      PayloadDirection = 1
	DirectionIndeterminate PayloadDirection = 2
	DirectionCombined      PayloadDirection = 3
	DirectionNotApplicable PayloadDirection = 4
)

// TRIKind is the chosen TRIPayload alternative (its context tag number).
type TRIKind int

// TRIKind values.
const (
	TRITest              TRIKind = 1
	TRIPadding           TRIKind = 2
	TRIKeepAlive         TRIKind = 3
	TRIKeepAliveResponse TRIKind = 4
	TRIFirstSegment      TRIKind = 5
	TRILastSegment       TRIKind = 6
	TRICINReset          TRIKind = 7
)

// IPType is iP-type.
type IPType int

// IPType values.
const (
	IPv4 IPType = 0
	IPv6 IPType = 1
)

// IPAssignment is iP-assignment.
type IPAssignment int

// IPAssignment values.
const (
	IPStatic   IPAssignment = 1
	IPDynamic  IPAssignment = 2
	IPNotKnown IPAssignment = 3
)
