package etsi

// Version selects the schema versions written into one destination's PDUs. LEMFs are
// provisioned per version: the version goes into li-psDomainId and into every
// TS 102 232-2 relative object identifier, and fields or enumeration values introduced
// after the version are not emitted.
type Version struct {
	// Header is the LI-PS-PDU (TS 102 232-1 genHeader) module version carried in
	// li-psDomainId {0 4 0 2 2 5 1 Header}.
	Header uint32
	// Email is the EmailPDU (TS 102 232-2) module version carried in the relative OIDs
	// {5 2 Email 1..4}.
	Email uint32
}

// Schema versions umli knows how to speak.
const (
	// EmailVersionSeed is EmailPDU "ver9", the module of TS 102 232-2 V3.3.1.
	EmailVersionSeed = 9
	// EmailVersionLatest is EmailPDU version20.
	EmailVersionLatest = 20
	// HeaderVersionLatest is LI-PS-PDU version43.
	HeaderVersionLatest = 43
)

// LatestVersion is the newest schema pair: LI-PS-PDU version43 with EmailPDU version20.
func LatestVersion() Version {
	return Version{Header: HeaderVersionLatest, Email: EmailVersionLatest}
}
