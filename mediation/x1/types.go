package x1

// RequestType names an X1 request message (the schema's RequestMessageType).
type RequestType string

// Request types umli implements.
const (
	ActivateTask          RequestType = "ActivateTask"
	ModifyTask            RequestType = "ModifyTask"
	DeactivateTask        RequestType = "DeactivateTask"
	DeactivateAllTasks    RequestType = "DeactivateAllTasks"
	GetTaskDetails        RequestType = "GetTaskDetails"
	GetAllDetails         RequestType = "GetAllDetails"
	CreateDestination     RequestType = "CreateDestination"
	ModifyDestination     RequestType = "ModifyDestination"
	RemoveDestination     RequestType = "RemoveDestination"
	GetDestinationDetails RequestType = "GetDestinationDetails"
	Ping                  RequestType = "Ping"
	Keepalive             RequestType = "Keepalive"
)

// parseRequestType maps an xsi:type name to the request type umli implements.
func parseRequestType(xsiType string) (RequestType, bool) {
	switch xsiType {
	case "ActivateTaskRequest":
		return ActivateTask, true
	case "ModifyTaskRequest":
		return ModifyTask, true
	case "DeactivateTaskRequest":
		return DeactivateTask, true
	case "DeactivateAllTasksRequest":
		return DeactivateAllTasks, true
	case "GetTaskDetailsRequest":
		return GetTaskDetails, true
	case "GetAllDetailsRequest":
		return GetAllDetails, true
	case "CreateDestinationRequest":
		return CreateDestination, true
	case "ModifyDestinationRequest":
		return ModifyDestination, true
	case "RemoveDestinationRequest":
		return RemoveDestination, true
	case "GetDestinationDetailsRequest":
		return GetDestinationDetails, true
	case "PingRequest":
		return Ping, true
	case "KeepaliveRequest":
		return Keepalive, true
	default:
		return "", false
	}
}

// RequestXSIType is the xsi:type of the request message.
func (t RequestType) RequestXSIType() string { return string(t) + "Request" }

// ResponseXSIType is the xsi:type of the successful response message.
func (t RequestType) ResponseXSIType() string { return string(t) + "Response" }

// schemaRequestType checks a name against the schema's RequestMessageType values, so an ErrorResponse
// for a request type umli does not implement still names a valid type.
func schemaRequestType(name string) (string, bool) {
	switch name {
	case "ActivateTask", "ModifyTask", "DeactivateTask", "DeactivateAllTasks", "GetTaskDetails",
		"CreateDestination", "ModifyDestination", "RemoveDestination", "RemoveAllDestinations",
		"GetDestinationDetails", "GetNEStatus", "GetAllDetails", "GetAllTaskDetails",
		"GetAllDestinationDetails", "GetAllGenericObjectDetails", "ListAllDetails", "ReportTaskIssue",
		"ReportDestinationIssue", "ReportNEIssue", "Ping", "Keepalive", "CreateObject", "ModifyObject",
		"GetObject", "DeleteObject", "ListObjectsOfType", "DeleteAllObjects":
		return name, true
	default:
		return "", false
	}
}
