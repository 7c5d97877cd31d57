#!/usr/bin/env bash
# bench-report.sh — run the benchmarks that have a baseline measured in the same run and
# write BENCHMARKS.md: each figure, its baseline, the ratio, the machine and the date.
#
#   scripts/bench-report.sh [out.md]        (default BENCHMARKS.md)
#
# Env: BENCHTIME (default 1s) for the micro-benchmarks, LOADN2K / LOADN10K record counts
# for the end-to-end load runs (default 10000x / 30000x), GO (default go). LOAD_TOOL=1 adds
# a `umsim load` run against a real `umli run` (BenchmarkLoadTool in cmd/umsim; shaped by
# LOAD_RATE sessions/s, LOAD_DURATION, LOAD_MIX).
# Raw `go test -bench` output is kept in proof/bench/bench-raw.txt (the report cites it).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
OUT=${1:-BENCHMARKS.md}
BT=${BENCHTIME:-1s}
RAW=proof/bench/bench-raw.txt

run() { # package, benchmark regexp, benchtime
	echo "== $1 $2" >&2
	if ! $GO test -run '^$' -bench "$2" -benchmem -count 1 -benchtime "$3" "$1" 2>&1 | tee -a "$RAW" >&2; then
		echo "FAILED: $1 $2" | tee -a "$RAW" >&2
	fi
}

if [ -z "${REPORT_ONLY:-}" ]; then # REPORT_ONLY=1: rewrite the report from proof/bench/bench-raw.txt
: >"$RAW"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${BENCH_NOTE:+; $BENCH_NOTE}" >>"$RAW"
run ./mediation/etsi 'EncodeMessagingIRI|DecodeMixed' "$BT"
run ./mediation/session 'SessionStep' "$BT"
run ./mediation 'BenchmarkMediation$' "$BT"
run ./handover 'WriterTCP|BareConnTCP|WriterTLS|BareConnTLS' "$BT"
run ./rtpcapture 'RTPPath' "$BT"
run ./umsys/translate 'ParseTranslateESL|ParseTranslateAMI|ParseOnlyESL|TranslateESL' "$BT"
run ./email/proxy '.' 3x
run ./proof/load 'Load2k$' "${LOADN2K:-10000x}"
run ./proof/load 'Load10k$' "${LOADN10K:-30000x}"
if [ -n "${LOAD_TOOL:-}" ]; then
	run ./cmd/umsim 'BenchmarkLoadTool$' 1x
fi
fi

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
python3 - "$RAW" "$OUT" "$(nproc)" "$CPU" "$(date -u +%Y-%m-%dT%H:%MZ)" "$($GO version)" <<'PY'
import re, sys
raw, out, ncpu, cpu, date, gover = sys.argv[1:7]
load = next((l[len("# load average at start: "):].strip() for l in open(raw) if l.startswith("# load average at start: ")), "not recorded")
res, failed, pkg, pending = {}, [], "", None
def parse(name, rest):
    rest = rest.split()
    res[name] = (pkg, {rest[i + 1]: float(rest[i]) for i in range(0, len(rest) - 1, 2)})
for line in open(raw):
    if line.startswith("pkg: "):
        pkg = line.split()[1].replace("github.com/umli/umli/", "")
    if line.startswith("FAILED:") or line.startswith("--- FAIL"):
        failed.append(line.strip())
    m = re.match(r"^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$", line)
    if m:
        parse(m.group(1), m.group(4))
        pending = None
        continue
    # A benchmark whose setup logged (redis-server) has its figures on a later line.
    m = re.match(r"^(Benchmark\S+?)(-\d+)?\s", line)
    if m and "FAIL" not in line:
        pending = m.group(1)
        continue
    m = re.match(r"^\s*\d+\s+([\d.]+ \S+.*)$", line)
    if m and pending:
        parse(pending, m.group(1))
        pending = None

def get(name, unit):
    v = res.get(name)
    return None if v is None else v[1].get(unit)

def fmt(x, unit):
    if x is None:
        return "—"
    if unit.endswith("ns/op"):
        return f"{x/1000:.2f} µs" if x >= 1000 else f"{x:.0f} ns"
    if abs(x) >= 1000:
        return f"{x:,.0f} {unit}"
    return f"{x:.3g} {unit}"

# figure, unit, baseline, unit, higher-is-better, target
pairs = [
    ("BenchmarkEncodeMessagingIRI/AppendBER", "ns/op", "BenchmarkEncodeMessagingIRIGoASN1BER", "ns/op", False, "≤ 1 µs"),
    ("BenchmarkEncodeMessagingIRI/HeaderTemplate", "ns/op", "BenchmarkEncodeMessagingIRIGoASN1BER", "ns/op", False, "≤ 1 µs"),
    ("BenchmarkDecodeMixed", "ns/op", "BenchmarkDecodeMixedGoASN1BER", "ns/op", False, ""),
    ("BenchmarkSessionStep/single", "records/s", "BenchmarkSessionStep/single", "incr/s", True, "≥ 70% of incr"),
    ("BenchmarkSessionStep/batched", "records/s", "BenchmarkSessionStep/batched", "incr/s", True, "≥ 50k/s with Redis"),
    ("BenchmarkWriterTCP", "MB/s", "BenchmarkBareConnTCP", "MB/s", True, "≥ 80% of raw TCP"),
    ("BenchmarkWriterTLS", "MB/s", "BenchmarkBareConnTLS", "MB/s", True, ""),
    ("BenchmarkRTPPath/ratio", "pipeline_pkts/s", "BenchmarkRTPPath/ratio", "bare_pkts/s", True, "≥ 2,000 G.711 legs/core (100k pkts/s)"),
    ("BenchmarkRTPPath/ratio-reuse", "pipeline_pkts/s", "BenchmarkRTPPath/ratio-reuse", "bare_pkts/s", True, "≥ 2,000 G.711 legs/core (100k pkts/s)"),
    ("BenchmarkRTPPath/ratio-release", "pipeline_pkts/s", "BenchmarkRTPPath/ratio-release", "bare_pkts/s", True, "≥ 50% of bare pion/rtp"),
    ("BenchmarkRTPPath/ratio-floor", "floor_pkts/s", "BenchmarkRTPPath/ratio-floor", "bare_pkts/s", True, "ceiling: payload copy only"),
    ("BenchmarkParseTranslateESL", "events/cpu-s", "BenchmarkParseOnlyESL", "events/cpu-s", True, "≥ 200k/s/core"),
    ("BenchmarkParseTranslateAMI", "events/cpu-s", None, None, True, "≥ 200k/s/core"),
    ("BenchmarkMediation", "records/s", None, None, True, "≥ 50k/s with Redis"),
]
for n in sorted(res):
    if n.startswith("BenchmarkSMTPData") or n.startswith("BenchmarkIMAPFetch"):
        pairs.append((n, "proxy-MB/s", n, "direct-MB/s", True, "direct mail throughput"))

rows = []
for f, fu, b, bu, higher, target in pairs:
    if f not in res:
        continue
    fv = get(f, fu)
    bv = get(b, bu) if b else None
    ratio = "—"
    if fv and bv:
        r = fv / bv if higher else bv / fv
        ratio = f"{r:.2f}×" if not higher else f"{100*r:.0f}%"
    rows.append(f"| {res[f][0]} | `{f[9:]}` | {fmt(fv, fu)} | {('`'+b[9:]+'` '+fmt(bv, bu)) if b else '—'} | {ratio} | {target} |")

lat = []
for n in ("BenchmarkLoad2k", "BenchmarkLoad10k"):
    if n in res:
        v = res[n][1]
        lat.append(f"| {n[13:]} | {v.get('offered/s', 0):,.0f} | {v.get('delivered/s', 0):,.0f} | {v.get('p50-ms', 0):.2f} | {v.get('p99-ms', 0):.2f} | {v.get('max-ms', 0):.2f} |")

with open(out, "w") as o:
    o.write(f"""# Benchmarks

Generated by `scripts/bench-report.sh` on {date}.
Machine: {ncpu} cores, {cpu}; {gover}.
Load average when the run started: {load}. On a shared or small machine absolute figures
are pessimistic and noisy; the ratios, whose two sides ran back to back in the same
process, are the meaningful part.
One run each (`-count 1`, short `-benchtime`); raw output in `proof/bench/bench-raw.txt`.

## Figures beside their baselines

Ratio: for times, baseline time ÷ figure time (above 1× = faster than the baseline);
for rates, figure ÷ baseline.

| package | figure | value | baseline (same run) | ratio | target |
|---|---|---|---|---|---|
""")
    o.write("\n".join(rows) + "\n")
    o.write("""
## End to end: event → LEMF latency (`proof/load`)

One umli instance (mediation + handover) on a real redis-server, delivering to the
in-process LEMF over loopback TCP; UM records half IRI, half CC (160-byte G.711 chunks)
over 50 sessions. Latency is the LEMF's receipt time minus the PDU's micro-second time
stamp (the event time), over every distinct PDU. Target: p99 ≤ 5 ms at 10k events/s.

| offered | offered/s | delivered/s | p50 ms | p99 ms | max ms |
|---|---|---|---|---|---|
""")
    o.write("\n".join(lat) + "\n")
    if "BenchmarkLoadTool" in res:
        v = res["BenchmarkLoadTool"][1]
        o.write(f"""
## End to end through the sources: `umsim load`

`umsim load` against a real `umli run` (JSON-lines UM feed, SIPREC endpoint, SMTP and IMAP proxies in
front of an SMTP server and Dovecot; real redis-server; in-process LEMF), sessions mixed
um=70,sip=10,mail=10,imap=10 unless LOAD_MIX said otherwise, a fifth of them non-target. Latency is
over every PDU the LEMF got, from the PDU's time stamp (the event) to its receipt; SIP CC
is cut into 200 ms chunks, so its figure includes up to one chunk of buffering.

| sessions/s | PDU/s | errors | p50 ms | p90 ms | p99 ms | max ms | UM p99 | SIP p99 | SMTP p99 | IMAP p99 |
|---|---|---|---|---|---|---|---|---|---|---|
| {v.get('sessions/s', 0):.1f} | {v.get('PDU/s', 0):,.0f} | {v.get('errors', 0):.0f} | {v.get('p50-ms', 0):.2f} | {v.get('p90-ms', 0):.2f} | {v.get('p99-ms', 0):.2f} | {v.get('max-ms', 0):.2f} | {v.get('um-p99-ms', 0):.2f} | {v.get('sip-p99-ms', 0):.2f} | {v.get('mail-p99-ms', 0):.2f} | {v.get('imap-p99-ms', 0):.2f} |
""")
    o.write("\n## Every benchmark line\n\n| package | benchmark | metrics |\n|---|---|---|\n")
    for n in sorted(res):
        p, v = res[n]
        o.write(f"| {p} | `{n[9:]}` | " + ", ".join(f"{x:g} {u}" for u, x in v.items()) + " |\n")
    if failed:
        o.write("\n## Failures in this run\n\n" + "\n".join("- " + f for f in failed) + "\n")
PY
echo "wrote $OUT" >&2
