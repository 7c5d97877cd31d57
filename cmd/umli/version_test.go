package main

import (
	"runtime/debug"
	"testing"
)

// TestFormatVersion: the version text carries the module version, the revision (marked
// when the tree was modified) and its time, or says plainly that there is no revision.
func TestFormatVersion(t *testing.T) {
	bi := func(settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/umli/umli", Version: "v1.2.3"}}
		for i := 0; i+1 < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tt := range []struct {
		name string
		in   *debug.BuildInfo
		want string
	}{
		{"clean", bi("vcs.revision", rev, "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false"),
			"umli v1.2.3\nmodule github.com/umli/umli\nrevision " + rev + "\nrevision time 2026-12-01T10:00:00Z\ngo go1.26.8\n"},
		{"modified", bi("vcs.revision", rev, "vcs.modified", "true"),
			"umli v1.2.3\nmodule github.com/umli/umli\nrevision " + rev + " (modified)\ngo go1.26.8\n"},
		{"no vcs", bi(),
			"umli v1.2.3\nmodule github.com/umli/umli\nrevision unknown (built without VCS information, e.g. -buildvcs=false)\ngo go1.26.8\n"},
	} {
		if got := formatVersion(tt.in); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
