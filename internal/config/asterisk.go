package config

import "strings"

// checkAsterisk checks the VoiceMailMain inference settings: the key map (one DTMF
// digit each, distinct main-menu keys) and an absolute spool path.
func checkAsterisk(p *problems, u *UMSysFile) {
	if err := u.AsteriskKeys.Validate(); err != nil {
		p.addf(path("umsys", "asteriskKeys"), "umsys.asteriskKeys: %v", err)
	}
	if u.AsteriskSpool != "" && !strings.HasPrefix(u.AsteriskSpool, "/") {
		p.addf(path("umsys", "asteriskSpool"), "umsys.asteriskSpool %q: want an absolute path", u.AsteriskSpool)
	}
}
