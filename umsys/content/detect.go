package content

import (
	"bytes"
	"encoding/binary"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Detect names the MIME type of content from its first bytes and its file name,
// preferring what the bytes say. A WAV file is audio/wav whatever its codec; bare
// G.711 files (.ul/.pcmu, .al/.pcma) are audio/PCMU and audio/PCMA.
func Detect(head []byte, name string) string {
	switch {
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WAVE")):
		return "audio/wav"
	case bytes.HasPrefix(head, []byte("OggS")):
		return "audio/ogg"
	case bytes.HasPrefix(head, []byte("ID3")) || (len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0 && !isG711Name(name)):
		return "audio/mpeg"
	case bytes.HasPrefix(head, []byte("#!AMR\n")):
		return "audio/AMR"
	}
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".ul", ".ulaw", ".mulaw", ".pcmu", ".u8":
		return "audio/PCMU"
	case ".al", ".alaw", ".pcma", ".a8":
		return "audio/PCMA"
	case ".gsm":
		return "audio/GSM"
	case ".eml":
		return "message/rfc822"
	case ".txt":
		return "text/plain;charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	if len(head) > 0 {
		return http.DetectContentType(head)
	}
	return "application/octet-stream"
}

func isG711Name(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".ul", ".ulaw", ".mulaw", ".pcmu", ".u8", ".al", ".alaw", ".pcma", ".a8":
		return true
	}
	return false
}

// WAVCodec returns the WAVE format tag (1 PCM, 6 A-law, 7 µ-law) of a RIFF header, 0
// when head is not one.
func WAVCodec(head []byte) uint16 {
	if len(head) < 22 || !bytes.Equal(head[:4], []byte("RIFF")) || !bytes.Equal(head[12:16], []byte("fmt ")) {
		return 0
	}
	return binary.LittleEndian.Uint16(head[20:22])
}
