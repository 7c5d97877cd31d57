package x1

import "encoding/xml"

// XML namespaces of TS 103 221-1 and TS 103 280.
const (
	NS       = "http://uri.etsi.org/03221/X1/2017/10"
	NSCommon = "http://uri.etsi.org/03280/common/2017/07"
	NSXSI    = "http://www.w3.org/2001/XMLSchema-instance"
)

// Version is the X1 protocol version umli speaks (the schema version it was built on).
const Version = "v1.22.1"

// Request is the X1Request container: one or more request messages.
type Request struct {
	XMLName  xml.Name  `xml:"http://uri.etsi.org/03221/X1/2017/10 X1Request"`
	XSI      string    `xml:"xmlns:xsi,attr,omitempty"`
	Messages []Message `xml:"x1RequestMessage"`
}

// Response is the X1Response container: one response message per request message.
type Response struct {
	XMLName  xml.Name  `xml:"http://uri.etsi.org/03221/X1/2017/10 X1Response"`
	XSI      string    `xml:"xmlns:xsi,attr,omitempty"`
	Messages []Message `xml:"x1ResponseMessage"`
}

// TopLevelError is the X1TopLevelErrorResponse sent when a request cannot be parsed at
// all, so there is no message to answer individually.
type TopLevelError struct {
	XMLName xml.Name `xml:"http://uri.etsi.org/03221/X1/2017/10 X1TopLevelErrorResponse"`
	Header
}

// Header is the common part of every X1 request and response message (clause 6.1).
type Header struct {
	AdmfIdentifier   string `xml:"admfIdentifier"`
	NeIdentifier     string `xml:"neIdentifier"`
	MessageTimestamp string `xml:"messageTimestamp"`
	Version          string `xml:"version"`
}

// Message is one x1RequestMessage or x1ResponseMessage. The concrete message is named by
// xsi:type; the fields are the union of the types umli handles, in schema order, and only
// those of the named type are set.
type Message struct {
	// TypeIn is xsi:type as decoded (possibly prefixed); TypeOut is written on encode.
	TypeIn  string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr,omitempty"`
	TypeOut string `xml:"xsi:type,attr,omitempty"`
	Header
	X1TransactionID string `xml:"x1TransactionId"`

	// Request bodies.
	TaskDetails        *TaskDetails        `xml:"taskDetails,omitempty"`
	DestinationDetails *DestinationDetails `xml:"destinationDetails,omitempty"`
	XID                string              `xml:"xId,omitempty"`
	DID                string              `xml:"dId,omitempty"`

	// Response bodies.
	RequestMessageType               string                            `xml:"requestMessageType,omitempty"`
	ErrorInformation                 *ErrorInformation                 `xml:"errorInformation,omitempty"`
	OK                               string                            `xml:"oK,omitempty"`
	TaskResponseDetails              *TaskResponseDetails              `xml:"taskResponseDetails,omitempty"`
	DestinationResponseDetails       *DestinationResponseDetails       `xml:"destinationResponseDetails,omitempty"`
	NeStatusDetails                  *NeStatusDetails                  `xml:"neStatusDetails,omitempty"`
	ListOfTaskResponseDetails        *ListOfTaskResponseDetails        `xml:"listOfTaskResponseDetails,omitempty"`
	ListOfDestinationResponseDetails *ListOfDestinationResponseDetails `xml:"listOfDestinationResponseDetails,omitempty"`

	// Unknown collects elements umli does not know, so they are refused, not ignored.
	Unknown []AnyElement `xml:",any"`
}

// AnyElement is an element the schema subset here does not name.
type AnyElement struct {
	XMLName xml.Name
}

// TaskDetails describes one task (clause 6.2.1.2).
type TaskDetails struct {
	XID               string                  `xml:"xId"`
	TargetIdentifiers ListOfTargetIdentifiers `xml:"targetIdentifiers"`
	DeliveryType      string                  `xml:"deliveryType"`
	ListOfDIDs        ListOfDIDs              `xml:"listOfDIDs"`
	MediationDetails  *ListOfMediationDetails `xml:"listOfMediationDetails,omitempty"`
	Unknown           []AnyElement            `xml:",any"`
}

// ListOfTargetIdentifiers holds a task's targets.
type ListOfTargetIdentifiers struct {
	Targets []TargetIdentifier `xml:"targetIdentifier"`
	Unknown []AnyElement       `xml:",any"`
}

// TargetIdentifier is a choice: exactly one field is set. Unknown catches the schema's
// other choices (imsi, macAddress, …), which umli refuses with ErrUnsupportedTarget.
type TargetIdentifier struct {
	E164Number   string       `xml:"e164Number,omitempty"`
	IPv4Address  string       `xml:"ipv4Address,omitempty"`
	IPv6Address  string       `xml:"ipv6Address,omitempty"`
	EmailAddress string       `xml:"emailAddress,omitempty"`
	SIPURI       string       `xml:"sipUri,omitempty"`
	TelURI       string       `xml:"telUri,omitempty"`
	Unknown      []AnyElement `xml:",any"`
}

// ListOfDIDs is a list of destination identifiers.
type ListOfDIDs struct {
	DIDs    []string     `xml:"dId"`
	Unknown []AnyElement `xml:",any"`
}

// ListOfMediationDetails holds the mediation part of a task.
type ListOfMediationDetails struct {
	Details []MediationDetails `xml:"mediationDetails"`
	Unknown []AnyElement       `xml:",any"`
}

// MediationDetails names the LIID, what to deliver, when and where.
type MediationDetails struct {
	LIID         string       `xml:"LIID"`
	DeliveryType string       `xml:"deliveryType"`
	StartTime    string       `xml:"StartTime,omitempty"`
	EndTime      string       `xml:"EndTime,omitempty"`
	ListOfDIDs   *ListOfDIDs  `xml:"listOfDIDs,omitempty"`
	Unknown      []AnyElement `xml:",any"`
}

// DestinationDetails describes one delivery destination (clause 6.3.1.2).
type DestinationDetails struct {
	DID             string          `xml:"dId"`
	FriendlyName    string          `xml:"friendlyName,omitempty"`
	DeliveryType    string          `xml:"deliveryType"`
	DeliveryAddress DeliveryAddress `xml:"deliveryAddress"`
	Unknown         []AnyElement    `xml:",any"`
}

// DeliveryAddress is a choice of address forms; umli uses ipAddressAndPort and uri.
type DeliveryAddress struct {
	IPAddressAndPort *IPAddressPort `xml:"ipAddressAndPort,omitempty"`
	E164Number       string         `xml:"e164Number,omitempty"`
	URI              string         `xml:"uri,omitempty"`
	EmailAddress     string         `xml:"emailAddress,omitempty"`
	Unknown          []AnyElement   `xml:",any"`
}

// IPAddressPort is TS 103 280's address-and-port; its children are in that namespace.
type IPAddressPort struct {
	Address IPAddress `xml:"http://uri.etsi.org/03280/common/2017/07 address"`
	Port    Port      `xml:"http://uri.etsi.org/03280/common/2017/07 port"`
}

// IPAddress is a choice of IPv4Address or IPv6Address.
type IPAddress struct {
	IPv4Address string `xml:"http://uri.etsi.org/03280/common/2017/07 IPv4Address,omitempty"`
	IPv6Address string `xml:"http://uri.etsi.org/03280/common/2017/07 IPv6Address,omitempty"`
}

// Port is a choice of TCPPort or UDPPort.
type Port struct {
	TCPPort string `xml:"http://uri.etsi.org/03280/common/2017/07 TCPPort,omitempty"`
	UDPPort string `xml:"http://uri.etsi.org/03280/common/2017/07 UDPPort,omitempty"`
}

// ErrorInformation carries an X1 error code and description (clause 6.7).
type ErrorInformation struct {
	ErrorCode        int    `xml:"errorCode"`
	ErrorDescription string `xml:"errorDescription"`
}

// TaskResponseDetails is a task as reported by GetTaskDetails and GetAllDetails.
type TaskResponseDetails struct {
	TaskDetails TaskDetails `xml:"taskDetails"`
	TaskStatus  TaskStatus  `xml:"taskStatus"`
}

// TaskStatus is the provisioning status of a task.
type TaskStatus struct {
	ProvisioningStatus     string       `xml:"provisioningStatus"`
	ListOfFaults           ListOfFaults `xml:"listOfFaults"`
	TimeOfLastModification string       `xml:"timeOfLastModification,omitempty"`
	NumberOfModifications  *int         `xml:"numberOfModifications,omitempty"`
}

// ListOfFaults lists unresolved faults (umli reports none).
type ListOfFaults struct {
	Faults []ErrorInformation `xml:"unresolvedFault"`
}

// DestinationResponseDetails is a destination as reported by GetDestinationDetails.
type DestinationResponseDetails struct {
	DestinationDetails DestinationDetails `xml:"destinationDetails"`
	DestinationStatus  DestinationStatus  `xml:"destinationStatus"`
}

// DestinationStatus is the delivery status of a destination.
type DestinationStatus struct {
	DestinationDeliveryStatus string       `xml:"destinationDeliveryStatus"`
	ListOfFaults              ListOfFaults `xml:"listOfFaults"`
}

// NeStatusDetails is the NE status reported by GetAllDetails.
type NeStatusDetails struct {
	NeStatus     string       `xml:"neStatus"`
	ListOfFaults ListOfFaults `xml:"listOfFaults"`
}

// ListOfTaskResponseDetails lists tasks.
type ListOfTaskResponseDetails struct {
	Tasks []TaskResponseDetails `xml:"taskResponseDetails"`
}

// ListOfDestinationResponseDetails lists destinations.
type ListOfDestinationResponseDetails struct {
	Destinations []DestinationResponseDetails `xml:"destinationResponseDetails"`
}
