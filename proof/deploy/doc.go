// Package deploy checks the deployment files in deploy/: the hardened systemd unit and
// its drop-ins (systemd-analyze verify, and the hardening each must keep).
package deploy
