package lemf

import (
	"bufio"
	"mime"
	"os"
	"strconv"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// bufferedFile writes through a buffer and flushes it before seeking, so the WAV writer
// can patch its header in a buffered file.
type bufferedFile struct {
	*bufio.Writer
	f *os.File
}

// Seek flushes, then seeks the file.
func (b bufferedFile) Seek(off int64, whence int) (int64, error) {
	if err := b.Flush(); err != nil {
		return 0, err
	}
	return b.f.Seek(off, whence)
}

// fileName builds LIID_NE_CIN_event_content.ext (LIID_NE_CIN_email.ext for EmailCC), made
// safe for a file system and unique within the directory.
func (cs *contentStore) fileName(k streamKey, ext string) string {
	ne := k.ne
	if ne == "" {
		ne = "none"
	}
	base := sanitize(k.liid) + "_" + sanitize(ne) + "_" + k.cin.String()
	if k.email {
		base += "_email"
		if k.format != etsi.EmailFormatApplication {
			base += "-ip"
		}
	} else {
		base += "_" + strconv.FormatUint(uint64(k.event), 10) + "_" + k.content.String()
	}
	name := base + ext
	for i := 2; cs.names[name]; i++ {
		name = base + "-" + strconv.Itoa(i) + ext
	}
	cs.names[name] = true
	return name
}

// sanitize keeps letters, digits, '-' and '_' so an LIID cannot name another directory.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// fileKind maps a MIME content type to a WAV format tag (0: not audio) and an extension.
func fileKind(contentType string) (uint16, string) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch mt {
	case "audio/pcmu":
		return wavFormatMuLaw, ".wav"
	case "audio/pcma":
		return wavFormatALaw, ".wav"
	case "audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave":
		// Already a WAV file (a UM platform's message file): kept byte for byte.
		return 0, ".wav"
	case "audio/amr":
		// An AMR file (a VVM message's attachment): kept byte for byte.
		return 0, ".amr"
	case "text/plain":
		return 0, ".txt"
	case "message/rfc822":
		return 0, ".eml"
	default:
		return 0, ".bin"
	}
}
