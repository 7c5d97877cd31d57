package etsi

// The enumeration types and tables (asn1_enums_gen.go) and the size/range constants
// (asn1_constraints_gen.go) are generated from the ASN.1 in shared/asn1, Annex D of the
// spec text and asn1gen.spec; TestGeneratedTablesUpToDate fails when they are stale.
//go:generate go run ./internal/asn1gen -asn1 ../../../shared/asn1 -annexd ../../../shared/spec/ETSI-TS-102-232-2-V3.3.1.txt -map asn1gen.spec -out .
