#!/usr/bin/env bash
# install-deps.sh: installs the system programs the test suite runs against, only when missing.
# Real parts, not mocks: redis-server for mediation/handover, erlc for the independent BER
# conformance check, sipp for SIP interop, xmllint for X1 schemas, chromium for the LEMF
# viewer's browser test, systemd-analyze to verify the deployment unit, tshark for the X2/X3
# (TS 103 221-2) dissector check, prlimit for umli's descriptor-budget test.
# Debian only; as root it uses apt-get, otherwise it says exactly what to install and fails.
set -euo pipefail

# binary:debian-package(s)
need=(
  "redis-server:redis-server"
  "redis-benchmark:redis-tools"
  "erlc:erlang-base erlang-asn1"
  "sipp:sip-tester"
  "xmllint:libxml2-utils"
  "curl:curl"
  "dovecot:dovecot-imapd dovecot-pop3d" "swaks:swaks"
  "chromium:chromium" "chromedriver:chromium-driver"
  "systemd-analyze:systemd"
  "tshark:tshark"
  "prlimit:util-linux"
)

missing=()
for entry in "${need[@]}"; do
  bin=${entry%%:*}
  pkgs=${entry#*:}
  if ! command -v "$bin" >/dev/null 2>&1; then
    missing+=($pkgs)
  fi
done
# erlc alone is not enough: the asn1 application must be there too.
if command -v erlc >/dev/null 2>&1 && ! ls /usr/lib/erlang/lib 2>/dev/null | grep -q '^asn1-'; then
  missing+=(erlang-asn1)
fi

# The e-mail tests need Dovecot's imap and pop3 services, not just its core.
if command -v dovecot >/dev/null 2>&1; then
  [[ -x /usr/lib/dovecot/imap ]] || missing+=(dovecot-imapd)
  [[ -x /usr/lib/dovecot/pop3 ]] || missing+=(dovecot-pop3d)
fi

((${#missing[@]})) || exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing system packages: ${missing[*]}" >&2
  echo "install-deps: run as root on Debian, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark's wireshark-common asks whether non-root users may capture: answer no, never block.
if command -v debconf-set-selections >/dev/null 2>&1; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
fi
apt-get update -qq
# With recommends: swaks needs its TLS and SASL perl modules (recommended, not required).
apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts redis-server as a service on install; tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then systemctl stop redis-server >/dev/null 2>&1 || true; fi
# Likewise Dovecot: the e-mail tests run their own with a throwaway configuration.
if command -v systemctl >/dev/null 2>&1; then systemctl stop dovecot >/dev/null 2>&1 || true; fi
