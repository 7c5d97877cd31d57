package umsim

// FSTranscript is the byte stream an `event plain ALL` subscriber receives for a
// FreeSWITCH scenario whose files live under contentDir.
func (s *Script) FSTranscript(name, contentDir string) ([]byte, error) {
	evs, _, err := s.RenderFS(name, contentDir)
	if err != nil {
		return nil, err
	}
	var b []byte
	for _, e := range evs {
		b = append(b, e.Frame...)
	}
	return b, nil
}

// AMITranscript is the byte stream an all-classes AMI session receives for an
// Asterisk scenario (events only, no banner or login).
func (s *Script) AMITranscript(name string) ([]byte, error) {
	evs, err := s.RenderAMI(name)
	if err != nil {
		return nil, err
	}
	var b []byte
	for _, e := range evs {
		b = append(b, e.Block...)
	}
	return b, nil
}
