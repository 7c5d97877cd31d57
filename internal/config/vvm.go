package config

// checkEmailMode validates an e-mail proxy's mode: empty (e-mail) or "vvm", which
// needs protocol imap (OMTP Visual Voicemail is IMAP).
func checkEmailMode(p *problems, at []any, what string, x EmailProxyFile) {
	switch x.Mode {
	case "":
	case "vvm":
		if x.Protocol != "imap" {
			p.addf(append(at, "mode"), "%s: mode vvm needs protocol imap, not %q", what, x.Protocol)
		}
	default:
		p.addf(append(at, "mode"), "%s: mode %q: want vvm or nothing", what, x.Mode)
	}
}
