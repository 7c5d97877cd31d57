package etsi

// TRIPDU builds a PS-PDU carrying the TRIPayload alternative k (padding is empty).
func TRIPDU(h PSHeader, k TRIKind) PSPDU {
	return PSPDU{Header: h, Payload: Payload{TRI: &TRIPayload{Kind: k}}}
}

// KeepAlivePDU builds a keep-alive TRI PS-PDU.
func KeepAlivePDU(h PSHeader) PSPDU { return TRIPDU(h, TRIKeepAlive) }

// KeepAliveResponsePDU builds the keep-aliveResponse a LEMF sends back.
func KeepAliveResponsePDU(h PSHeader) PSPDU { return TRIPDU(h, TRIKeepAliveResponse) }

// IRIPDU builds a PS-PDU carrying one IRIPayload.
func IRIPDU(h PSHeader, p IRIPayload) PSPDU {
	return PSPDU{Header: h, Payload: Payload{IRI: []IRIPayload{p}}}
}

// CCPDU builds a PS-PDU carrying one CCPayload.
func CCPDU(h PSHeader, p CCPayload) PSPDU {
	return PSPDU{Header: h, Payload: Payload{CC: []CCPayload{p}}}
}

// Ptr returns a pointer to a copy of v, for the model's optional fields.
func Ptr[T any](v T) *T { return &v }
